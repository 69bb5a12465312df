# drill-svg.awk: the failover drill as a picture (SVG on stdout).
#
#   awk [-v settings=TEXT] -f drill-svg.awk FIGURES EVENTS CLIENT_EVENTS TIMELINE
#
# FIGURES: what drill-report.awk wrote ("t0 TIME", "line TEXT", "result PASS|FAIL"); EVENTS,
# CLIENT_EVENTS and TIMELINE: as drill-report.awk reads them. Per bucket of the timeline: the answers on
# the streams and the new connections answered, stacked (light), with their average over half a second
# (dark line); the new connections that failed, by when they started (red, below the axis); the streams
# alive (black line, right axis). The background shows who was master; the drill's steps are marked
# and its key figures written underneath.

BEGIN {
	file = 0
	W = 1000; left = 60; right = 930; top = 96; bottom = 356
	color["dirA"] = "#cfe2f3"; color["dirB"] = "#fce5cd"; color["none"] = "#f4cccc"; color["both"] = "#d9d2e9"
}

FNR == 1 { file++ }

file == 1 && $1 == "t0" { t0 = $2 + 0; next }
file == 1 && $1 == "line" { nl++; line[nl] = substr($0, 6); next }
file == 1 && $1 == "result" { result = $2; next }

file == 2 {
	ne++
	et[ne] = $1 + 0; ewho[ne] = $2
	ewhat[ne] = $3 == "INSTANCE" ? $5 : $3
	next
}

file == 3 && $2 == "new" && $4 == "failed" { nf++; nf_start[nf] = $7 + 0; next }
file == 3 && $2 == "stream" && $4 == "broken" { nbr++; br_t[nbr] = $1 + 0; next }

file == 4 && FNR > 1 {
	split($0, f, ",")
	nb++
	bt[nb] = f[1] + 0; balive[nb] = f[2] + 0; bans[nb] = f[3] + 0; bok[nb] = f[4] + 0
	if (f[3] + f[4] > ymax) ymax = f[3] + f[4]
	if (f[2] > amax) amax = f[2]
	next
}

function esc(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	return s
}
function x(t) { return sprintf("%.1f", left + (t - t0) / (t1 - t0) * (right - left)) }
function y(v) { return sprintf("%.1f", bottom - v / ymax * (bottom - top)) }
# failures hang below the axis, in a strip of their own
function yf(v) { return sprintf("%.1f", bottom + 3 + v / fmax * 24) }
function ya(v) { return sprintf("%.1f", bottom - v / (amax * 1.15) * (bottom - top)) }
function bucket_of(t,   j) { j = int((t - t0) / width) + 1; return j < 1 ? 1 : j > nb ? nb : j }

function master_at(t,   i, who, m, n) {
	delete state
	for (i = 1; i <= ne && et[i] <= t; i++) {
		if (ewhat[i] == "killed") state[ewho[i]] = "dead"
		else if (ewhat[i] ~ /^(MASTER|BACKUP|FAULT|STOP)$/) state[ewho[i]] = ewhat[i]
	}
	m = ""; n = 0
	for (who in state) if (state[who] == "MASTER") { m = who; n++ }
	return n > 1 ? "both" : n ? m : "none"
}

END {
	if (nb == 0) {
		print "drill-svg: the timeline is empty" > "/dev/stderr"
		exit 1
	}
	width = nb > 1 ? bt[2] - bt[1] : 0.1
	if (t0 == 0) t0 = bt[1]
	t1 = bt[nb] + width
	ymax = ymax < 1 ? 1 : int(ymax * 1.1 + 1)
	if (amax < 1) amax = 1
	for (j = 1; j <= nf; j++) failed[bucket_of(nf_start[j])]++
	fmax = 1
	for (j = 1; j <= nb; j++) if (failed[j] > fmax) fmax = failed[j]
	H = bottom + 96 + 18 * (nl + 1)

	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" " \
		"font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n", W, H, W, H
	printf "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H
	printf "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">vipd failover drill</text>\n", left
	printf "<text x=\"%d\" y=\"44\">%s</text>\n", left, esc(settings)

	# who is master: one band per stretch
	from = t0; cur = master_at(t0 + width / 2)
	for (j = 2; j <= nb + 1; j++) {
		m = j <= nb ? master_at(bt[j] + width / 2) : ""
		if (m == cur) continue
		end = j <= nb ? bt[j] : t1
		printf "<rect x=\"%s\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", x(from), top,
			x(end) - x(from), bottom - top, color[cur]
		label = cur == "none" ? "no master" : cur == "both" ? "two masters" : cur " master"
		if (x(end) - x(from) > 60)
			printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>\n",
				(x(from) + x(end)) / 2, top + 14, label
		from = end; cur = m
	}

	# grid and axes
	step = ymax > 60 ? 20 : ymax > 30 ? 10 : 5
	printf "<g stroke=\"#aaa\" stroke-width=\"0.5\">\n"
	for (v = step; v <= ymax; v += step)
		printf "<line x1=\"%d\" x2=\"%d\" y1=\"%s\" y2=\"%s\"/>\n", left, right, y(v), y(v)
	printf "</g>\n"
	for (v = 0; v <= ymax; v += step)
		printf "<text x=\"%d\" y=\"%s\" text-anchor=\"end\" dy=\"4\">%d</text>\n", left - 6, y(v), v
	printf "<text x=\"18\" y=\"%d\" transform=\"rotate(-90 18 %d)\" text-anchor=\"middle\">answers per %d ms</text>\n",
		(top + bottom) / 2, (top + bottom) / 2, width * 1000 + 0.5
	printf "<text x=\"%d\" y=\"%s\" dy=\"4\">%d</text>\n", right + 6, ya(amax), amax
	printf "<text x=\"%d\" y=\"%s\" dy=\"4\">0</text>\n", right + 6, ya(0)
	printf "<text x=\"%d\" y=\"%d\" transform=\"rotate(90 %d %d)\" text-anchor=\"middle\">streams alive</text>\n",
		right + 40, (top + bottom) / 2, right + 40, (top + bottom) / 2
	tstep = t1 - t0 > 120 ? 20 : t1 - t0 > 50 ? 10 : 5
	for (s = 0; s <= t1 - t0; s += tstep)
		printf "<text x=\"%s\" y=\"%d\" text-anchor=\"middle\">%d s</text>\n", x(t0 + s), bottom + 44, s

	# each bucket, stacked: stream answers, then new connections answered; failures below the axis
	for (j = 1; j <= nb; j++) {
		xa = x(bt[j]); w = x(bt[j] + width) - xa
		if (bans[j] > 0)
			printf "<rect x=\"%s\" y=\"%s\" width=\"%.1f\" height=\"%.1f\" fill=\"#9fc5e8\"/>\n", xa, y(bans[j]), w,
				y(0) - y(bans[j])
		if (bok[j] > 0)
			printf "<rect x=\"%s\" y=\"%s\" width=\"%.1f\" height=\"%.1f\" fill=\"#b6d7a8\"/>\n", xa,
				y(bans[j] + bok[j]), w, y(bans[j]) - y(bans[j] + bok[j])
		if (failed[j] > 0)
			printf "<rect x=\"%s\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"#cc0000\"/>\n", xa, bottom + 3, w,
				yf(failed[j]) - (bottom + 3)
	}
	printf "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", left, right, bottom, bottom

	# averages over 5 buckets: the streams, and everything answered
	half = 2
	for (pass = 1; pass <= 2; pass++) {
		pts = ""
		for (j = 1; j <= nb; j++) {
			sum = 0; n = 0
			for (i = j - half; i <= j + half; i++)
				if (i >= 1 && i <= nb) { sum += bans[i] + (pass == 2 ? bok[i] : 0); n++ }
			pts = pts sprintf("%.1f,%s ", x(bt[j] + width / 2), y(sum / n))
		}
		printf "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", pts,
			pass == 1 ? "#1155cc" : "#38761d"
	}
	pts = ""
	for (j = 1; j <= nb; j++)
		pts = pts sprintf("%s,%s %s,%s ", x(bt[j]), ya(balive[j]), x(bt[j] + width), ya(balive[j]))
	printf "<polyline points=\"%s\" fill=\"none\" stroke=\"black\" stroke-width=\"2\"/>\n", pts
	for (i = 1; i <= nbr; i++)
		printf "<text x=\"%s\" y=\"%d\" fill=\"#cc0000\" font-weight=\"bold\" text-anchor=\"middle\">&#x2716;</text>\n",
			x(br_t[i]), top + 16

	# the drill's steps, labels on two lanes
	lane = 0
	for (i = 1; i <= ne; i++) {
		if (et[i] < t0 || et[i] > t1) continue
		if (ewhat[i] == "killed") { c = "#cc0000"; txt = ewho[i] " killed" }
		else if (ewhat[i] == "back") { c = "#444"; txt = ewho[i] " back" }
		else if (ewhat[i] == "MASTER") { c = "#000"; txt = ewho[i] " MASTER" }
		else continue
		printf "<line x1=\"%s\" x2=\"%s\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"4 3\"/>\n",
			x(et[i]), x(et[i]), top - 24 + 14 * (lane % 2), bottom, c
		printf "<text x=\"%s\" y=\"%d\" fill=\"%s\" text-anchor=\"middle\">%s</text>\n", x(et[i]),
			top - 28 + 14 * (lane % 2), c, esc(txt)
		lane++
	}

	# legend and figures
	ly = bottom + 68
	printf "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#9fc5e8\"/>" \
		"<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#1155cc\" stroke-width=\"1.5\"/>" \
		"<text x=\"%d\" y=\"%d\">stream answers</text>\n", left, ly - 10, left, left + 12, ly - 4, ly - 4, left + 16, ly
	printf "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#b6d7a8\"/>" \
		"<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#38761d\" stroke-width=\"1.5\"/>" \
		"<text x=\"%d\" y=\"%d\">+ new connections answered (lines: 0.5 s averages)</text>\n",
		left + 120, ly - 10, left + 120, left + 132, ly - 4, ly - 4, left + 136, ly
	printf "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"#cc0000\"/><text x=\"%d\" y=\"%d\">" \
		"new connections failed, by start (%d max)</text>\n", left + 460, ly - 10, left + 476, ly, fmax
	printf "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"black\" stroke-width=\"2\"/><text x=\"%d\" y=\"%d\">" \
		"streams alive</text>\n", left + 740, left + 756, ly - 4, ly - 4, left + 760, ly
	for (i = 1; i <= nl; i++)
		printf "<text x=\"%d\" y=\"%d\" xml:space=\"preserve\">%s</text>\n", left, ly + 8 + 18 * i, esc(line[i])
	printf "<text x=\"%d\" y=\"%d\" font-weight=\"bold\" fill=\"%s\">drill: %s</text>\n", left, ly + 8 + 18 * (nl + 1),
		result == "PASS" ? "#38761d" : "#cc0000", result
	print "</svg>"
}
