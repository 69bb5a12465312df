/*
 * What the harnesses share: reading the fuzzer's input as a stream of choices and payloads, and a check
 * that aborts (so libFuzzer keeps the input) when an invariant does not hold.
 */
#ifndef VIPD_FUZZ_H
#define VIPD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Prints "SUMMARY: ..." where the sanitizers report, which stays open under -close_fd_mask=2 (the
 * harnesses whose code logs run so, see fuzz/NAME.options). */
void __sanitizer_report_error_summary(const char *error_summary);

/* An invariant of the code under test: a failure is a finding, reported with where it is. */
#define FUZZ_STR2(x) #x
#define FUZZ_STR(x) FUZZ_STR2(x)
#define FUZZ_ASSERT(cond)                                                                           \
	do {                                                                                        \
		if (!(cond)) {                                                                      \
			__sanitizer_report_error_summary(__FILE__ ":" FUZZ_STR(__LINE__) ": invariant failed: " #cond); \
			abort();                                                                    \
		}                                                                                   \
	} while (0)

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t
fuzz_u8(struct fuzz_in *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint16_t
fuzz_u16(struct fuzz_in *in)
{
	return (uint16_t)(fuzz_u8(in) << 8 | fuzz_u8(in));
}

static inline uint32_t
fuzz_u32(struct fuzz_in *in)
{
	return (uint32_t)fuzz_u16(in) << 16 | fuzz_u16(in);
}

static inline uint64_t
fuzz_u64(struct fuzz_in *in)
{
	return (uint64_t)fuzz_u32(in) << 32 | fuzz_u32(in);
}

/* The next n bytes (fewer at the end); *got says how many. */
static inline const uint8_t *
fuzz_bytes(struct fuzz_in *in, size_t n, size_t *got)
{
	const uint8_t *p = in->p;

	if (n > in->left)
		n = in->left;
	in->p += n;
	in->left -= n;
	*got = n;
	return p;
}

#endif
