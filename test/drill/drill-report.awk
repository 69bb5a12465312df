# drill-report.awk: the failover drill's timeline as a table, its key figures and its checks.
#
#   awk -v streams=N [-v title=TEXT] [-v figures=FILE] [-v expect=TAKEOVERS] [-v slack=SECONDS]
#       -f drill-report.awk EVENTS CLIENT_EVENTS TIMELINE
#
# EVENTS: "TIME WHO WHAT..." sorted by time: the directors' VRRP transitions as their notify_fifo lines
# ("TIME dirA INSTANCE VI_1 MASTER 150") and the drill's own steps ("TIME dirA killed", "TIME dirA back",
# "TIME client ready", "TIME client stop") and what each director's table held the moment it became
# master ("TIME dirB table N": N of the client's streams). CLIENT_EVENTS and TIMELINE: what drill-client
# wrote (see drill-client.c); new connections that failed are counted by when they started. Prints the table and the figures; writes the figures to
# FIGURES ("t0 TIME", "line TEXT", "result PASS|FAIL") for drill-svg.awk. Exits 1 if a check fails.
#
# A takeover is a MASTER transition after the client's streams were ready; its cause is the last "killed"
# or "back" step before it. The checks: no stream broke; every stream is alive at the end and answered
# in its last 5 seconds; at least EXPECT takeovers (2); at each, the new master's table held every
# stream, every stream answered again through it, new connections were answered, and none that
# started SLACK seconds (1) or more after the takeover failed unless a later takeover hit it in flight.

BEGIN {
	if (expect == "") expect = 2
	if (slack == "") slack = 1.0
	file = 0
}

FNR == 1 { file++ }

# ---- the drill's events and the VRRP transitions ----
file == 1 {
	ne++
	et[ne] = $1 + 0; ewho[ne] = $2
	if ($3 == "INSTANCE") { ewhat[ne] = $5; eprio[ne] = $6 }
	else { ewhat[ne] = $3; earg[ne] = $4 }
	if ($2 == "client" && $3 == "stop") stop = $1 + 0
	next
}

# ---- the client's failures and summary ----
file == 2 && $2 == "stream" && $4 == "broken" {
	nbroken++
	broken_line[nbroken] = $0
	broken_t[nbroken] = $1 + 0
	next
}
file == 2 && $2 == "new" && $4 == "failed" {
	nf++
	nf_t[nf] = $1 + 0; nf_reason[nf] = $5; nf_start[nf] = $7 + 0
	next
}
file == 2 && $2 == "summary" {
	for (i = 3; i < NF; i += 2) sum[$i] = $(i + 1)
	have_summary = 1
	next
}
file == 2 && $2 == "stream" && $4 == "port" {
	ns++
	st_index[ns] = $3; st_server[ns] = $7; st_answers[ns] = $9; st_wait[ns] = $11
	st_last[ns] = $15; st_state[ns] = $17
	next
}
file == 2 && $2 == "servers" {
	servers = ""
	for (i = 3; i < NF; i += 2) servers = servers (servers == "" ? "" : ", ") $i " " $(i + 1)
	next
}

# ---- the timeline ----
file == 3 && FNR > 1 {
	split($0, f, ",")
	nb++
	bt[nb] = f[1] + 0; balive[nb] = f[2] + 0; bans[nb] = f[3] + 0; bok[nb] = f[4] + 0
	bfail[nb] = f[5] + 0; bbroken[nb] = f[6] + 0; bwait[nb] = f[7] + 0
	next
}

function rel(t) { return sprintf("%.1f", t - t0) }
# the bucket a time falls in
function bucket_of(t,   j) { j = int((t - t0) / width) + 1; return j < 1 ? 1 : j > nb ? nb : j }
function secs(d) { return sprintf("%.2f s", d) }

# The master at time t: each director's last announced state, "dead" after "killed" until it announces
# again; two masters at once print as "A+B".
function master_at(t,   i, who, m, n) {
	delete state
	for (i = 1; i <= ne && et[i] <= t; i++) {
		if (ewhat[i] == "killed") state[ewho[i]] = "dead"
		else if (ewhat[i] ~ /^(MASTER|BACKUP|FAULT|STOP)$/) state[ewho[i]] = ewhat[i]
	}
	m = ""; n = 0
	for (who in state) if (state[who] == "MASTER") { m = m (n++ ? "+" : "") who }
	return n ? m : "none"
}

function check(ok, text) {
	nchecks++
	check_ok[nchecks] = ok
	check_text[nchecks] = text
	if (!ok) failed = 1
}

function figure(text) {
	nfig++
	fig[nfig] = text
}

function bar(n, c,   s) {
	s = ""
	while (n-- > 0) s = s c
	return s
}

END {
	if (nb == 0) {
		print "drill-report: the timeline is empty" > "/dev/stderr"
		exit 1
	}
	t0 = bt[1]
	width = nb > 1 ? bt[2] - bt[1] : 0.1
	if (stop == 0) stop = bt[nb] + width
	for (j = 1; j <= nf; j++) failed_in[bucket_of(nf_start[j])]++

	# ---- takeovers ----
	cause = ""; causet = 0
	for (i = 1; i <= ne; i++) {
		if (ewhat[i] == "killed" || ewhat[i] == "back") {
			cause = ewho[i] " " ewhat[i]; causet = et[i]; causewho = ewho[i]; causekind = ewhat[i]
			continue
		}
		if (ewhat[i] != "MASTER" || et[i] < t0) continue
		k = ++ntk
		tk_to[k] = ewho[i]; tk_t[k] = et[i]; tk_cause[k] = cause; tk_causet[k] = causet
		tk_kind[k] = causekind; tk_table[k] = -1; tk_backup[k] = 0
		# a director that came back: when it announced BACKUP, before its preempt_delay ran out
		for (j = 1; j < i; j++)
			if (causekind == "back" && ewho[j] == ewho[i] && ewhat[j] == "BACKUP" && et[j] > causet && !tk_backup[k])
				tk_backup[k] = et[j]
		# the copy its notify_master script took (a few ms later)
		for (j = i + 1; j <= ne && et[j] < et[i] + 10; j++)
			if (ewho[j] == ewho[i] && ewhat[j] == "table") { tk_table[k] = earg[j]; break }
		cause = ""; causekind = ""
	}
	# When each takeover hits the traffic: the kill, or the takeover itself (a preempt). Its window runs
	# to the next one's.
	for (k = 1; k <= ntk; k++) tk_hit[k] = tk_kind[k] == "killed" ? tk_causet[k] : tk_t[k]
	# A failed new connection belongs to the last takeover that hit while it was in flight; one that
	# none hit belongs to the window it started in, and is a failure of the drill if it started SLACK
	# after that window's takeover, or before the first.
	for (j = 1; j <= nf; j++) {
		nf_tk[j] = 0; nf_hit[j] = 0
		for (k = 1; k <= ntk; k++) {
			if (tk_hit[k] >= nf_start[j] && tk_hit[k] <= nf_t[j]) { nf_tk[j] = k; nf_hit[j] = 1 }
			else if (!nf_hit[j] && tk_hit[k] <= nf_start[j]) nf_tk[j] = k
		}
		if (!nf_hit[j] && (nf_tk[j] == 0 || nf_start[j] >= tk_t[nf_tk[j]] + slack)) unexplained[nf_tk[j]]++
	}
	check(unexplained[0] == 0, sprintf("no new connection failed before the first takeover (%d did)", unexplained[0]))
	for (k = 1; k <= ntk; k++) {
		from = tk_hit[k]
		to = k < ntk ? tk_hit[k + 1] : stop + 1
		run = 0; outage = 0; stall = 0; ok_after = 0; recovered = 0
		for (j = 1; j <= nb; j++) {
			if (bt[j] + width <= from || bt[j] >= to) continue
			if (bans[j] == 0 && bok[j] == 0) { run++; if (run > outage) outage = run } else run = 0
			if (bwait[j] > stall) stall = bwait[j]
			if (bt[j] >= tk_t[k]) ok_after += bok[j]
			if (!recovered && bt[j] > tk_t[k] && balive[j] == streams && bwait[j] < 1000 && bans[j] > 0)
				recovered = bt[j] + width
		}
		nfail = 0; lastfail = ""
		for (j = 1; j <= nf; j++) {
			if (nf_tk[j] != k) continue
			nfail++
			if (lastfail == "" || nf_start[j] > lastfail) lastfail = nf_start[j]
		}
		late = unexplained[k] + 0
		if (tk_kind[k] == "killed")
			head = sprintf("takeover %d: %s at %s s -> %s MASTER %s later", k, tk_cause[k], rel(tk_causet[k]),
				tk_to[k], secs(tk_t[k] - tk_causet[k]))
		else if (tk_kind[k] == "back")
			head = sprintf("takeover %d: %s at %s s%s -> %s MASTER (preempt) %s later", k, tk_cause[k],
				rel(tk_causet[k]), tk_backup[k] ? ", BACKUP " secs(tk_backup[k] - tk_causet[k]) " later" : "",
				tk_to[k], secs(tk_t[k] - tk_causet[k]))
		else
			head = sprintf("takeover %d: %s MASTER at %s s", k, tk_to[k], rel(tk_t[k]))
		figure(head sprintf("; its table held %s of %d streams then", tk_table[k] < 0 ? "?" : tk_table[k], streams))
		figure(sprintf("  streams: longest wait %s, %s; no answer at all for %s", secs(stall / 1000),
			recovered ? sprintf("all %d answering again %s after %s", streams, secs(recovered - from),
				tk_kind[k] == "killed" ? "the kill" : "the takeover") : "not all answering again",
			secs(outage * width)))
		figure(sprintf("  new connections: %d failed%s, %d answered after the takeover", nfail,
			nfail ? sprintf(" (the last started %s %s the takeover)",
				secs(lastfail > tk_t[k] ? lastfail - tk_t[k] : tk_t[k] - lastfail),
				lastfail > tk_t[k] ? "after" : "before") : "", ok_after))
		check(late == 0, sprintf("takeover %d: no new connection started %.1f s or more after %s became MASTER failed (%d did)",
			k, slack, tk_to[k], late))
		check(ok_after > 0, sprintf("takeover %d: new connections answered through %s", k, tk_to[k]))
		check(recovered > 0, sprintf("takeover %d: every stream answering again through %s", k, tk_to[k]))
		check(tk_table[k] >= streams, sprintf("takeover %d: %s's table held all %d streams when it became MASTER (%s)",
			k, tk_to[k], streams, tk_table[k] < 0 ? "no copy" : tk_table[k]))
	}

	# ---- totals ----
	figure(sprintf("streams: %d of %d kept, %d reset; answers: %d on streams, %d new connections answered, %d failed%s",
		sum["alive"], streams, nbroken, sum["answers"], sum["new_ok"], sum["new_failed"],
		servers != "" ? " (" servers ")" : ""))
	check(have_summary, "the client wrote its summary")
	check(nbroken == 0, sprintf("no stream reset or broken (%d)", nbroken))
	check(sum["alive"] == streams, sprintf("all %d streams alive at the end (%d)", streams, sum["alive"]))
	quiet = 0
	for (j = 1; j <= ns; j++) if (st_last[j] == "-" || st_last[j] + 5 < stop) quiet++
	check(ns == streams && quiet == 0, sprintf("every stream answered in its last 5 seconds (%d did not)", quiet))
	check(ntk >= expect, sprintf("%d takeovers seen (%d expected)", ntk, expect))

	# ---- the table ----
	if (title != "") print title
	printf "time: seconds since the client's streams were ready; one line per %d ms\n", width * 1000 + 0.5
	printf "%7s  %-9s %5s %7s %6s %6s %9s  %s\n", "time", "master", "alive", "answers", "new ok", "failed", "max wait",
		"# stream answers, + new connections answered, x failed (by start)"
	ei = 1
	while (ei <= ne && et[ei] < t0) ei++
	for (j = 1; j <= nb; j++) {
		printf "%7s  %-9s %5d %7d %6d %6d %6d ms  %s%s%s\n", rel(bt[j]), master_at(bt[j] + width / 2), balive[j],
			bans[j], bok[j], failed_in[j], bwait[j], bar(bans[j], "#"), bar(bok[j], "+"), bar(failed_in[j], "x")
		for (; ei <= ne && et[ei] < bt[j] + width; ei++) {
			if (ewhat[ei] == "table")
				printf "%7s  ---- %s's table: %d of %d streams\n", rel(et[ei]), ewho[ei], earg[ei], streams
			else if (ewhat[ei] != "stop" && ewhat[ei] != "ready")
				printf "%7s  ---- %s %s\n", rel(et[ei]), ewho[ei], ewhat[ei]
		}
		for (i = 1; i <= nbroken; i++)
			if (broken_t[i] >= bt[j] && broken_t[i] < bt[j] + width) printf "%7s  !!!! %s\n", rel(broken_t[i]), broken_line[i]
	}
	print ""
	for (i = 1; i <= nfig; i++) print fig[i]
	for (i = 1; i <= nbroken; i++) print "broken: " broken_line[i]
	print ""
	for (i = 1; i <= nchecks; i++) printf "%s %s\n", check_ok[i] ? "ok  " : "FAIL", check_text[i]
	result = failed ? "FAIL" : "PASS"
	print "drill: " result

	if (figures != "") {
		printf "t0 %.3f\n", t0 > figures
		for (i = 1; i <= nfig; i++) print "line " fig[i] > figures
		print "result " result > figures
		close(figures)
	}
	exit failed
}
