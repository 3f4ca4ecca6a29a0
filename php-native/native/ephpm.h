/*
 * libephpm: the narrow C surface between the JVM (through JNA) and a ZTS libphp.
 *
 * Rules this surface keeps:
 *  - every call into Zend happens inside zend_try here; a bailout never unwinds a Java frame;
 *  - callbacks into Java return plain status codes and never unwind C;
 *  - a thread's PHP context (TSRM) is created, used and freed by that thread alone.
 */
#ifndef EPHPM_H
#define EPHPM_H

#include <stdint.h>

/* Outcome of a PHP execution, returned by ephpm_execute_classic / ephpm_worker_run and
 * carried in the high byte of the flags of the final emit. */
#define EPHPM_OK 0
#define EPHPM_EXIT 1          /* exit()/die() ended the script */
#define EPHPM_FATAL 2         /* fatal error (E_ERROR, E_COMPILE_ERROR, parse error, ...) */
#define EPHPM_EXCEPTION 3     /* uncaught exception */
#define EPHPM_TIMEOUT 4       /* max_execution_time exceeded */
#define EPHPM_OOM 5           /* memory_limit exhausted */
#define EPHPM_BOOT_FAILED 6   /* worker script ended or failed before its first take_request() */
#define EPHPM_STARTUP_FAILED 7 /* php_request_startup failed */
#define EPHPM_NOT_ATTACHED 8  /* the calling thread has no PHP context */
#define EPHPM_SCRIPT_ENDED 9  /* worker script returned without being told to stop */

/* Flags of an emit call. */
#define EPHPM_EMIT_FLUSH 1    /* PHP called flush(): push everything through to the client */
#define EPHPM_EMIT_FINAL 2    /* the response is complete */
#define EPHPM_EMIT_HEADERS 4  /* status and headers are included in this call */
#define EPHPM_EMIT_SENDFILE 16 /* body is "offset:length:path": the container sends that file segment */
#define EPHPM_EMIT_INFORMATIONAL 32 /* an interim response (headers_send(103)): status and headers only, the response goes on */
#define EPHPM_EMIT_OUTCOME_SHIFT 8

/* Set in ephpm_execute_classic's result and in next_request's flags while OPcache has a restart
 * pending: it happens when no PHP thread is inside a request, so worker pools retire their workers. */
#define EPHPM_OPCACHE_RESTART_PENDING 0x10000

/* Java's answer to an emit. */
#define EPHPM_CLIENT_OK 0
#define EPHPM_CLIENT_GONE 1

/*
 * Request envelope: one buffer per request, written by Java, read in place by C.
 *   u32 count, then count times: u32 key_len, key bytes, NUL, u32 value_len, value bytes, NUL
 * All integers in native byte order. The entries are the CGI/1.1 server variables
 * (REQUEST_METHOD, REQUEST_URI, QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH,
 * SCRIPT_FILENAME, SERVER_PROTOCOL, HTTP_*, ...), registered into $_SERVER in order.
 */

/* Completes the previous request, when flags has EPHPM_EMIT_FINAL (its last headers and body, as
 * in an emit), then blocks until the next request for this worker; returns its envelope, or NULL
 * to stop. memory is the worker's PHP heap (memory_get_usage(true)) between the two. */
typedef const char *(*ephpm_next_request_fn)(int64_t memory, int flags, int status, const char *headers,
                                             int headers_len, const char *body, int body_len);
/* Hands response bytes to Java. headers is "Name: value\n" lines; body may be empty. */
typedef int (*ephpm_emit_fn)(int flags, int status, const char *headers, int headers_len,
                             const char *body, int body_len);
/* Fills buf with up to max request-body bytes; returns fewer only at end of body, -1 on error. */
typedef int (*ephpm_read_body_fn)(char *buf, int max);
/* A log line from PHP (error_log, startup errors); level is a syslog priority. */
typedef void (*ephpm_log_fn)(int level, const char *message);

/* Starts the process-wide runtime once. Returns 0 when this call started it, 1 when it was
 * already running (the arguments are then ignored), -1 on failure (see ephpm_startup_error). */
int ephpm_runtime_start(const char *ini_path, const char *ini_entries, const char *env_block,
                        int env_len);
const char *ephpm_startup_error(void);
/* "8.2.32;zts=1;timers=1" */
const char *ephpm_runtime_describe(void);
const char *ephpm_runtime_ini_entries(void);
const char *ephpm_runtime_ini_path(void);

/* Creates this thread's PHP context. ini holds php.ini overrides in envelope format, applied at
 * the start of every PHP request on this thread (like php_admin_value); it must stay valid until
 * ephpm_thread_detach. env (envelope format) adds environment variables for this thread to the
 * runtime's; PHP sees no other environment. */
int ephpm_thread_attach(int worker_id, const char *ini, const char *env, ephpm_next_request_fn next_request, ephpm_emit_fn emit,
                        ephpm_read_body_fn read_body, ephpm_log_fn log);
void ephpm_thread_detach(void);
/* This thread's token for ephpm_thread_interrupt (unique for the process's life), 0 when not attached. */
int64_t ephpm_thread_token(void);
/* Ends what the PHP thread with this token runs as max_execution_time would: its script stops with
 * PHP's timeout error, and a blocking call such as sleep() returns at once. Returns 1 when signalled,
 * 0 when no such thread is attached. Callable from any thread. */
int ephpm_thread_interrupt(int64_t token);

/* One fresh PHP request, as php-fpm would run it: the script is SCRIPT_FILENAME. */
int ephpm_execute_classic(const char *envelope);
/* Boots the worker script and runs it until it returns; requests arrive via take_request(). */
int ephpm_worker_run(const char *script, const char *boot_envelope);

/* 1 while OPcache has a restart of its shared memory pending (opcache_reset(), a full cache), else 0. */
int ephpm_opcache_restart_scheduled(void);
/*
 * Shared tables (Ephpm\Table::createShared): one space per app. A space lives until Java releases
 * it and no thread or table still holds it; its tables live as long as the space or an object that
 * uses them.
 */
/* A new, empty space whose tables may hold at most limit bytes (0: no limit); 0 when out of memory. */
int64_t ephpm_tables_new(int64_t limit);
/* Java's reference is gone: the space's named tables go when no PHP object uses them any more. */
void ephpm_tables_release(int64_t space);
/* Bytes the tables created in the space hold (rows x row size, plus the index), and their number. */
int64_t ephpm_tables_memory(int64_t space);
int ephpm_tables_count(int64_t space);
/* The space Ephpm\Table::createShared() uses on the calling thread (0: none); until detach. */
void ephpm_thread_use_tables(int64_t space);

/*
 * Replicated tables (a cluster). With a replicator set on a space, every write to one of its shared
 * tables is made on the cluster first, through write(), and the row the cluster then holds is
 * applied here with its version; reads stay local. Java applies the other nodes' writes with
 * ephpm_table_apply(). Tables of one object (create()) are never replicated.
 *
 * A row travels as its columns in declaration order: i64 (int), f64 (float), u32 length + bytes
 * (string). All integers in native byte order.
 *
 * write(table, request, length), on the PHP thread, from the request:
 *   u8 op (EPHPM_TABLE_OP_*), u32 key length, key, then by op:
 *     SET: columns (u32 n, then n times: u32 column index, value as in a row)
 *     DEL: nothing
 *     ADD: u32 column index, then an i64 (int column) or f64 (float column) to add
 *     CAS: u8 1 when the row must be absent, else 0 and the expected columns; then the new columns
 * answers, owned by Java and valid until the thread's next call:
 *   u32 state, then by state:
 *     WRITTEN: u64 version, u32 row length, row (the row as the cluster holds it now)
 *     REMOVED: u64 version (the removed row's)
 *     ABSENT: nothing (a DEL of no row; a CAS that expected a row finds none)
 *     MISMATCH: as WRITTEN (a CAS whose expected columns are not the row's)
 *     FAILED: u32 length, message (thrown as a PHP Error)
 *   NULL is FAILED with no message.
 * opened(table), on the PHP thread that made a shared table (createShared): Java follows the table
 * on the cluster and loads the rows it has before it answers; NULL, or an error message that
 * createShared() throws (the table is then dropped, so that the next createShared() tries again).
 */
#define EPHPM_TABLE_OP_SET 1
#define EPHPM_TABLE_OP_DEL 2
#define EPHPM_TABLE_OP_ADD 3
#define EPHPM_TABLE_OP_CAS 4
#define EPHPM_TABLE_WRITTEN 0
#define EPHPM_TABLE_REMOVED 1
#define EPHPM_TABLE_ABSENT 2
#define EPHPM_TABLE_MISMATCH 3
#define EPHPM_TABLE_FAILED 4
typedef const char *(*ephpm_table_write_fn)(int64_t table, const char *request, int request_len);
typedef const char *(*ephpm_table_opened_fn)(int64_t table);
/* Makes the space's shared tables replicated; before any PHP thread uses the space. */
void ephpm_tables_replicate(int64_t space, ephpm_table_write_fn write, ephpm_table_opened_fn opened);
/* Java's own reference to a table (given to opened()), taken and dropped. */
void ephpm_table_retain(int64_t table);
void ephpm_table_unref(int64_t table);
/* The table's layout into buffer (when it fits); returns its length:
 *   u32 name length, name, u32 rows, u32 columns,
 *   then per column: u32 type (1 int, 2 float, 3 string), u32 size, u32 name length, name */
int ephpm_table_layout(int64_t table, char *buffer, int capacity);
/* Applies a write of the cluster, from any thread: the row (NULL: remove it) unless the row here
 * has a newer version (force: regardless). 0 applied, 1 older than the row here, 2 the table is
 * full, -1 a malformed row or key. */
int ephpm_table_apply(int64_t table, const char *key, int key_len, int64_t version, const char *row, int row_len, int force);
/* Removes every row (before a reload from the cluster). */
void ephpm_table_clear(int64_t table);

/*
 * Tasks (Ephpm\Worker\run_tasks, dispatch_tasks): PHP code hands serialized work to the app's task
 * workers, which Java runs on PHP threads of their own.
 *   payloads: u32 count, then count times: u32 length, bytes.
 *   wait_ms >= 0: run them and wait up to wait_ms; the answer is
 *     u32 count, then count times: u32 state (EPHPM_TASK_*), u32 length, bytes
 *     (what the task printed, or the error that ended it), owned by Java and valid until the
 *     thread's next call; a task unfinished at the end of the wait is cancelled.
 *   wait_ms == -1: queue them and return at once; any non-NULL answer means accepted.
 * NULL: the app has no task workers (or, for wait_ms == -1, refused the tasks).
 */
#define EPHPM_TASK_DONE 0
#define EPHPM_TASK_FAILED 1
#define EPHPM_TASK_UNFINISHED 2
typedef const char *(*ephpm_run_tasks_fn)(const char *payloads, int payloads_len, int wait_ms);
/* The task runner of the calling PHP thread's app (NULL: none); until detach. */
void ephpm_thread_use_tasks(ephpm_run_tasks_fn run_tasks);

/* The last error message seen on this thread (fatal error text), or "". */
const char *ephpm_last_error(void);
/* Memory this thread's PHP heap holds from the system (memory_get_usage(true)), in bytes. */
int64_t ephpm_memory_usage(void);

#endif
