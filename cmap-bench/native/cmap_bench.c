/*
 * libcmap baseline for bench/compare: the same operations as io.jcmap.bench.ClientBench, timed the
 * same way (one clock reading per operation into a preallocated array, nearest-rank percentiles),
 * printed as the same CSV lines (see ResultLine.java).
 *
 * usage: cmap_bench setup
 *        cmap_bench run IPC ROUND [SCALE]
 *        cmap_bench connect IPC ROUND [SCALE]
 *
 * "setup" creates every key the benchmarks touch, so the map (and the key count that iteration
 * sees) stays the same for every round of every implementation. "run" also times a reference
 * for jcmap's asynchronous rows, which libcmap has no calls for: SETs pipelined by one thread
 * through libqb's client API directly ("pipelining reference" below). "connect" times connect+close
 * in blocks on request, between jcmap's blocks (ClientBench's "connect" mode drives it,
 * ConnectPair.java says why): each line "N" on stdin times N more and answers "done", and at the
 * end of the input it prints the line of all of them. "run" times everything else. Both print lines
 * "result,ROUND,libcmap,IPC,op,kind,n,p50,p90,p99,p999,min,max,mean,ops_per_s". SCALE (default 1.0)
 * multiplies every iteration count, for quick smoke runs.
 *
 * Build: gcc -O2 -pthread -o cmap_bench cmap_bench.c -lcmap -lqb
 */
#define _GNU_SOURCE
#include <corosync/cmap.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <qb/qbipc_common.h>
#include <qb/qbipcc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Names shared with the Java side (BenchKeys.java): keep both in step. */
#define KEY_GET "bench.get"
#define KEY_SET "bench.set"
#define KEY_INC "bench.inc"
#define KEY_ASYNC "bench.async"
#define ITER_PREFIX "bench.iter."
#define ITER_KEYS 1000
#define TRACK_PREFIX "bench.track."
#define TRACK_KEYS 64

/* Hard limit for one run; a hang ends the process instead of the bench. */
#define WATCHDOG_SECONDS 120
/* How long the tracker may lag behind the last set before the run is declared short. */
#define TRACK_DRAIN_NS (10LL * 1000000000LL)

static const char *ipc_label;
static const char *round_label;
static double scale = 1.0;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long scaled(long count)
{
	long n = (long)(count * scale);
	return n < 1 ? 1 : n;
}

static void die(const char *what, cs_error_t err)
{
	fprintf(stderr, "cmap_bench: %s failed: cs_error %d\n", what, (int)err);
	exit(2);
}

/* libqb's calls return -errno */
static void die_errno(const char *what, int errnum)
{
	fprintf(stderr, "cmap_bench: %s failed: %s\n", what, strerror(errnum));
	exit(2);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/*
 * Nearest-rank percentile of a sorted array: the smallest value with at least the fraction
 * p/100000 of all values at or below it. Integer arithmetic, as Percentiles.java, so both agree.
 */
static int64_t percentile(const int64_t *sorted, long n, long p)
{
	long rank = (p * n + 99999) / 100000;
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

/* One "latency" line: samples[] are per-operation nanoseconds; ops/s = n / sum. */
static void report_latency(const char *op, int64_t *samples, long n)
{
	int64_t sum = 0;
	for (long i = 0; i < n; i++)
		sum += samples[i];
	qsort(samples, n, sizeof(int64_t), cmp_i64);
	printf("result,%s,libcmap,%s,%s,latency,%ld,%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64 ",%" PRId64
	       ",%" PRId64 ",%.1f,%.1f\n",
	       round_label, ipc_label, op, n, percentile(samples, n, 50000), percentile(samples, n, 90000),
	       percentile(samples, n, 99000), percentile(samples, n, 99900), samples[0], samples[n - 1],
	       (double)sum / n, n * 1e9 / (double)sum);
	fflush(stdout);
}

/* One "throughput" line: items counted over elapsed nanoseconds. */
static void report_throughput(const char *op, long items, int64_t elapsed_ns)
{
	printf("result,%s,libcmap,%s,%s,throughput,%ld,,,,,,,,%.1f\n", round_label, ipc_label, op, items,
	       items * 1e9 / (double)elapsed_ns);
	fflush(stdout);
}

static cmap_handle_t open_handle(void)
{
	cmap_handle_t h;
	cs_error_t err = cmap_initialize(&h);
	if (err != CS_OK)
		die("cmap_initialize", err);
	return h;
}

/* ---- setup ------------------------------------------------------------------------------------ */

static int setup(void)
{
	cmap_handle_t h = open_handle();
	char key[CMAP_KEYNAME_MAXLEN];
	cs_error_t err;
	if ((err = cmap_set_uint32(h, KEY_GET, 42)) != CS_OK)
		die("set " KEY_GET, err);
	if ((err = cmap_set_uint32(h, KEY_SET, 0)) != CS_OK)
		die("set " KEY_SET, err);
	if ((err = cmap_set_uint32(h, KEY_INC, 0)) != CS_OK)
		die("set " KEY_INC, err);
	if ((err = cmap_set_uint32(h, KEY_ASYNC, 0)) != CS_OK)
		die("set " KEY_ASYNC, err);
	for (int i = 0; i < ITER_KEYS; i++) {
		snprintf(key, sizeof key, ITER_PREFIX "%04d", i);
		if ((err = cmap_set_uint32(h, key, i)) != CS_OK)
			die("set iteration key", err);
	}
	for (int i = 0; i < TRACK_KEYS; i++) {
		snprintf(key, sizeof key, TRACK_PREFIX "%02d", i);
		if ((err = cmap_set_uint32(h, key, 0)) != CS_OK)
			die("set track key", err);
	}
	cmap_finalize(h);
	return 0;
}

/* ---- latency benchmarks -------------------------------------------------------------------------- */

typedef cs_error_t (*op_fn)(cmap_handle_t h, long i);

static cs_error_t op_get(cmap_handle_t h, long i)
{
	uint32_t v;
	(void)i;
	return cmap_get_uint32(h, KEY_GET, &v);
}

/* A new value each time: corosync skips the store of an unchanged value. */
static uint32_t set_base;
static cs_error_t op_set(cmap_handle_t h, long i)
{
	return cmap_set_uint32(h, KEY_SET, set_base + (uint32_t)i);
}

static cs_error_t op_inc(cmap_handle_t h, long i)
{
	(void)i;
	return cmap_inc(h, KEY_INC);
}

static void bench_op(cmap_handle_t h, const char *op, op_fn fn, long warmup, long n)
{
	int64_t *samples = malloc(sizeof(int64_t) * n);
	cs_error_t err;
	for (long i = 0; i < warmup; i++)
		if ((err = fn(h, i)) != CS_OK)
			die(op, err);
	for (long i = 0; i < n; i++) {
		int64_t t0 = now_ns();
		err = fn(h, warmup + i);
		samples[i] = now_ns() - t0;
		if (err != CS_OK)
			die(op, err);
	}
	report_latency(op, samples, n);
	free(samples);
}

/* One cmap_initialize + cmap_finalize, timed. */
static int64_t connect_close(void)
{
	int64_t t0 = now_ns();
	cmap_handle_t h;
	cs_error_t err = cmap_initialize(&h);
	if (err != CS_OK)
		die("cmap_initialize", err);
	cmap_finalize(h);
	return now_ns() - t0;
}

/*
 * connect+close in blocks, each when stdin asks for it: the caller (ConnectPair.java) times its
 * own blocks in between, so a drift of the host within the round falls on both clients alike.
 */
static void bench_connect_blocks(long warmup)
{
	for (long i = 0; i < warmup; i++)
		connect_close();
	printf("ready\n");
	fflush(stdout);
	long n = 0, capacity = 1024;
	int64_t *samples = malloc(sizeof(int64_t) * capacity);
	char line[32];
	while (fgets(line, sizeof line, stdin) != NULL) {
		long block = strtol(line, NULL, 10);
		if (block <= 0) {
			fprintf(stderr, "cmap_bench: a block must be a positive count, not %s", line);
			exit(1);
		}
		while (n + block > capacity) {
			capacity *= 2;
			samples = realloc(samples, sizeof(int64_t) * capacity);
		}
		for (long i = 0; i < block; i++)
			samples[n++] = connect_close();
		printf("done\n");
		fflush(stdout);
	}
	if (n == 0) {
		fprintf(stderr, "cmap_bench: no block was asked for\n");
		exit(1);
	}
	report_latency("connect_close", samples, n);
	free(samples);
}

/* ---- iteration ---------------------------------------------------------------------------------- */

static long iterate_all(cmap_handle_t h)
{
	cmap_iter_handle_t it;
	char name[CMAP_KEYNAME_MAXLEN + 1];
	size_t len;
	cmap_value_types_t type;
	long keys = 0;
	cs_error_t err = cmap_iter_init(h, NULL, &it);
	if (err != CS_OK)
		die("cmap_iter_init", err);
	while ((err = cmap_iter_next(h, it, name, &len, &type)) == CS_OK)
		keys++;
	if (err != CS_ERR_NO_SECTIONS)
		die("cmap_iter_next", err);
	cmap_iter_finalize(h, it);
	return keys;
}

static void bench_iterate(cmap_handle_t h, long warmup, long passes)
{
	for (long i = 0; i < warmup; i++)
		iterate_all(h);
	long keys = 0;
	int64_t t0 = now_ns();
	for (long i = 0; i < passes; i++)
		keys += iterate_all(h);
	report_throughput("iterate", keys, now_ns() - t0);
}

/* ---- tracking ------------------------------------------------------------------------------------ */

struct tracker {
	cmap_handle_t handle;
	long count;          /* notifications this phase; written by the dispatcher only */
	long target;         /* phase ends when count reaches it */
	int64_t last_ns;     /* when the target-th notification arrived */
	int stop;
};

static void on_notify(cmap_handle_t h, cmap_track_handle_t th, int32_t event, const char *key,
		      struct cmap_notify_value new_val, struct cmap_notify_value old_val, void *user_data)
{
	struct tracker *t = user_data;
	(void)h; (void)th; (void)event; (void)key; (void)new_val; (void)old_val;
	long c = __atomic_add_fetch(&t->count, 1, __ATOMIC_ACQ_REL);
	if (c == __atomic_load_n(&t->target, __ATOMIC_ACQUIRE))
		__atomic_store_n(&t->last_ns, now_ns(), __ATOMIC_RELEASE);
}

static void *dispatch_loop(void *arg)
{
	struct tracker *t = arg;
	int fd;
	cs_error_t err = cmap_fd_get(t->handle, &fd);
	if (err != CS_OK)
		die("cmap_fd_get", err);
	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int r = poll(&p, 1, 100);
		if (r < 0 && errno != EINTR) {
			perror("poll");
			exit(2);
		}
		if (r > 0 && (err = cmap_dispatch(t->handle, CS_DISPATCH_ALL)) != CS_OK)
			die("cmap_dispatch", err);
	}
	return NULL;
}

static int64_t server_cpu_ns(void);

/*
 * The calling thread's involuntary context switches so far (/proc/thread-self/status, as
 * TrackBench.java reads it); -1 if unreadable. A synchronous setter that corosync preempts once
 * per set shares its vCPU with corosync: the fast placement of the tracking rows.
 */
static long preemptions(void)
{
	FILE *f = fopen("/proc/thread-self/status", "r");
	if (f == NULL)
		return -1;
	char line[128];
	long count = -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "nonvoluntary_ctxt_switches: %ld", &count) == 1)
			break;
	fclose(f);
	return count;
}

/* Sets n tracked keys from another handle; returns notifications/s from first set to last delivery. */
static void track_phase(struct tracker *t, cmap_handle_t setter, long n, uint32_t base, int report)
{
	char keys[TRACK_KEYS][32];
	for (int k = 0; k < TRACK_KEYS; k++)
		snprintf(keys[k], sizeof keys[k], TRACK_PREFIX "%02d", k);
	__atomic_store_n(&t->last_ns, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&t->count, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&t->target, n, __ATOMIC_RELEASE);
	long preempted_before = preemptions();
	int64_t cpu_before = server_cpu_ns();
	int64_t first = now_ns();
	for (long i = 0; i < n; i++) {
		cs_error_t err = cmap_set_uint32(setter, keys[i % TRACK_KEYS], base + (uint32_t)i);
		if (err != CS_OK)
			die("set tracked key", err);
	}
	int64_t deadline = now_ns() + TRACK_DRAIN_NS;
	while (__atomic_load_n(&t->last_ns, __ATOMIC_ACQUIRE) == 0 && now_ns() < deadline) {
		struct timespec pause = { 0, 1000000 };
		nanosleep(&pause, NULL);
	}
	int64_t last = __atomic_load_n(&t->last_ns, __ATOMIC_ACQUIRE);
	int64_t cpu_after = server_cpu_ns();
	long preempted_after = preemptions();
	long got = __atomic_load_n(&t->count, __ATOMIC_ACQUIRE);
	if (last == 0) {
		fprintf(stderr, "cmap_bench: tracking got %ld of %ld notifications within the drain time\n", got, n);
		exit(3);
	}
	if (!report)
		return;
	report_throughput("track_notify", n, last - first);
	if (preempted_before >= 0 && preempted_after >= 0)
		printf("metric,%s,libcmap,%s,track_setter_preempted,per set,%.3f\n", round_label, ipc_label,
		       (double)(preempted_after - preempted_before) / n);
	if (cpu_before >= 0 && cpu_after >= 0)
		printf("metric,%s,libcmap,%s,server_cpu_track_notify,ns/op,%.1f\n", round_label, ipc_label,
		       (double)(cpu_after - cpu_before) / n);
	fflush(stdout);
}

static void bench_track(long warmup, long n)
{
	struct tracker t = { 0 };
	t.handle = open_handle();
	cmap_handle_t setter = open_handle();
	cmap_track_handle_t th;
	cs_error_t err = cmap_track_add(t.handle, TRACK_PREFIX,
					CMAP_TRACK_ADD | CMAP_TRACK_DELETE | CMAP_TRACK_MODIFY | CMAP_TRACK_PREFIX,
					on_notify, &t, &th);
	if (err != CS_OK)
		die("cmap_track_add", err);
	pthread_t dispatcher;
	if (pthread_create(&dispatcher, NULL, dispatch_loop, &t) != 0) {
		perror("pthread_create");
		exit(2);
	}
	uint32_t base = (uint32_t)now_ns();
	track_phase(&t, setter, warmup, base, 0);
	track_phase(&t, setter, n, base + (uint32_t)warmup, 1);
	__atomic_store_n(&t.stop, 1, __ATOMIC_RELEASE);
	pthread_join(dispatcher, NULL);
	cmap_track_delete(t.handle, th);
	cmap_finalize(setter);
	cmap_finalize(t.handle);
}

/* ---- pipelining reference ------------------------------------------------------------------------ */

/*
 * What a client written in C reaches with SETs pipelined on one connection, for jcmap's async
 * rows: one thread sends through libqb's client API until WINDOW requests are out, then takes every
 * answer already there (waiting for the first) and sends again, so corosync finds requests queued
 * whenever it looks. libcmap has no call that leaves a request in flight, hence libqb directly.
 */

/* corosync's req_lib_cmap_set for a uint32 (its ipc_cmap.h is not installed): docs/protocol-cmap.md */
struct set_uint32_request {
	struct qb_ipc_request_header header;
	uint16_t key_length __attribute__((aligned(8))); /* mar_name_t */
	uint8_t key[256] __attribute__((aligned(8)));
	uint64_t value_len __attribute__((aligned(8)));
	uint8_t type __attribute__((aligned(8)));
	uint8_t value[4] __attribute__((aligned(8)));
};
_Static_assert(offsetof(struct set_uint32_request, key) == 24, "mar_name_t value at 24");
_Static_assert(offsetof(struct set_uint32_request, value_len) == 280, "value_len at 280");
_Static_assert(offsetof(struct set_uint32_request, value) == 296, "value at 296");

#define CMAP_SERVICE_NAME "cmap"
#define CMAP_REQ_SET 0
/* libcmap's request size (IPC_REQUEST_SIZE in corosync's lib/cmap.c), so the same rings or buffers */
#define CMAP_IPC_SIZE (8192 * 128)

/* corosync's CPU time so far, summed over its threads (as ServerCpu.java); -1 without its pid */
static int64_t server_cpu_ns(void)
{
	const char *pid = getenv("JCMAP_BENCH_SERVER_PID");
	if (pid == NULL)
		return -1;
	char path[64];
	snprintf(path, sizeof path, "/proc/%s/task", pid);
	DIR *tasks = opendir(path);
	if (tasks == NULL)
		return -1;
	int64_t total = 0;
	for (struct dirent *task; (task = readdir(tasks)) != NULL;) {
		if (task->d_name[0] == '.')
			continue;
		char stat_path[400];
		snprintf(stat_path, sizeof stat_path, "%s/%s/schedstat", path, task->d_name);
		FILE *f = fopen(stat_path, "r");
		long long ns;
		if (f != NULL && fscanf(f, "%lld", &ns) == 1)
			total += ns;
		if (f != NULL)
			fclose(f);
	}
	closedir(tasks);
	return total;
}

/* Sends SETs until `sent` reaches `until`, keeping at most `window` unanswered, and takes every answer. */
static void pipeline_sets(qb_ipcc_connection_t *c, long window, long until, long *sent, uint32_t base)
{
	struct set_uint32_request req = { 0 };
	req.header.id = CMAP_REQ_SET;
	req.header.size = offsetof(struct set_uint32_request, value) + sizeof req.value;
	req.key_length = strlen(KEY_ASYNC);
	memcpy(req.key, KEY_ASYNC, req.key_length);
	req.value_len = sizeof req.value;
	req.type = CMAP_VALUETYPE_UINT32;
	long answered = 0, out = 0;
	while (answered < until) {
		while (out < window && *sent < until) {
			uint32_t v = base + (uint32_t)*sent;
			memcpy(req.value, &v, sizeof v);
			ssize_t r = qb_ipcc_send(c, &req, req.header.size);
			if (r == -EAGAIN)
				break;
			if (r < 0)
				die_errno("qb_ipcc_send", (int)-r);
			(*sent)++;
			out++;
		}
		/* the first answer is waited for; the others only taken if already there */
		for (int timeout = -1; out > 0; timeout = 0) {
			struct qb_ipc_response_header res;
			ssize_t r = qb_ipcc_recv(c, &res, sizeof res, timeout);
			if (r == -EAGAIN || r == -ETIMEDOUT)
				break;
			if (r < 0)
				die_errno("qb_ipcc_recv", (int)-r);
			if (res.error != CS_OK)
				die("pipelined set", res.error);
			out--;
			answered++;
		}
	}
}

static void bench_pipelined(long window, long warmup, long n)
{
	qb_ipcc_connection_t *c = qb_ipcc_connect(CMAP_SERVICE_NAME, CMAP_IPC_SIZE);
	if (c == NULL)
		die_errno("qb_ipcc_connect", errno);
	char op[32];
	snprintf(op, sizeof op, "qb_pipelined_w%ld", window);
	uint32_t base = (uint32_t)now_ns();
	long sent = 0;
	pipeline_sets(c, window, warmup, &sent, base);
	sent = 0;
	int64_t cpu_before = server_cpu_ns();
	int64_t t0 = now_ns();
	pipeline_sets(c, window, n, &sent, base + (uint32_t)warmup);
	int64_t elapsed = now_ns() - t0;
	int64_t cpu_after = server_cpu_ns();
	report_throughput(op, n, elapsed);
	if (cpu_before >= 0 && cpu_after >= 0) {
		printf("metric,%s,libcmap,%s,server_cpu_%s,ns/op,%.1f\n", round_label, ipc_label, op,
		       (double)(cpu_after - cpu_before) / n);
		fflush(stdout);
	}
	qb_ipcc_disconnect(c);
}

/* ---- main -------------------------------------------------------------------------------------- */

static int run_connects(void)
{
	alarm(WATCHDOG_SECONDS);
	bench_connect_blocks(scaled(10));
	return 0;
}

static int run(void)
{
	alarm(WATCHDOG_SECONDS);
	set_base = (uint32_t)now_ns();
	cmap_handle_t h = open_handle();
	bench_op(h, "get", op_get, scaled(5000), scaled(20000));
	bench_op(h, "set", op_set, scaled(5000), scaled(20000));
	bench_op(h, "inc", op_inc, scaled(5000), scaled(20000));
	bench_iterate(h, scaled(3), scaled(20));
	cmap_finalize(h);
	bench_track(scaled(2000), scaled(20000));
	bench_pipelined(64, scaled(20000), scaled(150000));
	bench_pipelined(128, scaled(20000), scaled(150000));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "setup") == 0)
		return setup();
	if (argc >= 4 && (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "connect") == 0)) {
		ipc_label = argv[2];
		round_label = argv[3];
		if (argc >= 5)
			scale = atof(argv[4]);
		if (!(scale > 0)) {
			fprintf(stderr, "cmap_bench: SCALE must be positive\n");
			return 1;
		}
		return strcmp(argv[1], "run") == 0 ? run() : run_connects();
	}
	fprintf(stderr, "usage: %s setup | run IPC ROUND [SCALE] | connect IPC ROUND [SCALE]\n", argv[0]);
	return 1;
}
