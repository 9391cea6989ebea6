// SPDX-License-Identifier: MIT
/* rpc_bench ITERATIONS - bench/ipc.sh's ONC RPC comparison: ns per round
 * trip of ADD (kit_rpc.x) through rpcgen's client stub and server dispatch
 * (kitprog_1) with libtirpc over loopback TCP, printed as one number.
 *
 * The server is a child process serving a socket this program bound to
 * 127.0.0.1 itself (svctcp_create on it, svc_register with protocol 0 so
 * rpcbind is never asked, svc_run); the client is clnttcp_create to that
 * address and port, which needs no portmapper either. As in ipc_bench,
 * only the timed loop after a warm-up counts (cut short after a second),
 * and both sides are pinned as IPC_BENCH_CPUS says (bench_util.h).
 */
#define _GNU_SOURCE
#include "bench_util.h"
#include "kit_rpc.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "rpc_bench: %s\n", what);
	exit(1);
}

/* The dispatch rpcgen -m generates (kit_rpc_svc.c); its header does not
 * declare it. */
void kitprog_1(struct svc_req *req, SVCXPRT *xprt);

/* The procedure, as kit_impl.c's add: a + b. */
u_int *add_1_svc(u_int a, u_int b, struct svc_req *req)
{
	static u_int result;
	(void)req;
	result = a + b;
	return &result;
}

static void serve(int sock, int ready)
{
	SVCXPRT *xprt = svctcp_create(sock, 0, 0);
	if (!xprt || !svc_register(xprt, KITPROG, KITVERS, kitprog_1, 0))
		_exit(3);
	if (write(ready, "r", 1) != 1)
		_exit(3);
	close(ready);
	svc_run();
	_exit(3);
}

int main(int argc, char **argv)
{
	long iters = argc == 2 ? atol(argv[1]) : 0;
	if (iters <= 0) {
		fputs("usage: rpc_bench ITERATIONS\n", stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (bench_pin(0))
		die("IPC_BENCH_CPUS: not a CPU, or two separated by a comma");

	struct sockaddr_in addr = {.sin_family = AF_INET};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof addr;
	int sock = socket(AF_INET, SOCK_STREAM, 0);
	if (sock < 0 || bind(sock, (struct sockaddr *)&addr, sizeof addr) < 0 ||
	    listen(sock, 4) < 0 || getsockname(sock, (struct sockaddr *)&addr, &len) < 0)
		die("socket on 127.0.0.1");

	int p[2];
	if (pipe(p) < 0)
		die("pipe");
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (bench_pin(1))
			_exit(3);
		close(p[0]);
		serve(sock, p[1]);
	}
	close(p[1]);
	close(sock);
	char c;
	if (read(p[0], &c, 1) != 1)
		die("the server did not start");
	close(p[0]);

	int csock = RPC_ANYSOCK;
	CLIENT *clnt = clnttcp_create(&addr, KITPROG, KITVERS, &csock, 0, 0);
	if (!clnt)
		die(clnt_spcreateerror("clnttcp_create"));

	for (long i = 0; i < BENCH_WARM_UP; i++) {
		u_int *r = add_1((u_int)i, 7, clnt);
		if (!r || *r != (u_int)i + 7)
			die("add_1 (warm-up)");
	}
	u_int bad = 0;
	long done = 0;
	double t0 = bench_now_ns();
	while (done < iters) {
		u_int *r = add_1((u_int)done, 7, clnt);
		if (!r)
			die(clnt_sperror(clnt, "add_1"));
		bad |= *r ^ ((u_int)done + 7);
		if (bench_over_budget(t0, ++done))
			break;
	}
	double t1 = bench_now_ns();
	if (bad)
		die("add_1: wrong sum");

	clnt_destroy(clnt);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("%.1f\n", (t1 - t0) / (double)done);
	return 0;
}
