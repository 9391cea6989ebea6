// SPDX-License-Identifier: MIT
/* bench_run RUNS CMD... - runs CMD RUNS times and prints the median wall
 * time in milliseconds and the largest peak resident memory in KiB:
 *	"median_ms=123.4 peak_kib=45678"
 * Medians, because machines here are shared and noisy. */
#define _DEFAULT_SOURCE /* wait4 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: bench_run RUNS CMD...\n", stderr);
		return 2;
	}
	int runs = atoi(argv[1]);
	double *ms = calloc((size_t)runs, sizeof *ms);
	long peak = 0;
	for (int r = 0; r < runs; r++) {
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid_t pid = fork();
		if (pid == 0) {
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		int status;
		struct rusage ru;
		if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "bench_run: %s failed\n", argv[2]);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms[r] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		if (ru.ru_maxrss > peak)
			peak = ru.ru_maxrss;
	}
	qsort(ms, (size_t)runs, sizeof *ms, compare);
	printf("median_ms=%.1f peak_kib=%ld\n", ms[runs / 2], peak);
	free(ms);
	return 0;
}
