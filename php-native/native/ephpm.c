/*
 * libephpm: a SAPI named "ephpm" over a ZTS libphp, driven from Java through JNA.
 * See ephpm.h for the contract with Java.
 */
#define _GNU_SOURCE
#define ZEND_ENABLE_STATIC_TSRMLS_CACHE 1

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <ucontext.h>

#include "php.h"
#include "php_main.h"
#include "php_variables.h"
#include "SAPI.h"
#include "rfc1867.h"
#include "ext/standard/info.h"
#include "ext/standard/head.h"
#include "ext/spl/spl_exceptions.h"
#include "ext/session/php_session.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "zend_hash.h"
#include "zend_observer.h"
#include "zend_smart_str.h"
#include "main/php_output.h"
#include "main/php_streams.h"

#include "ephpm.h"
#include "ephpm_arginfo.h"
#include "ephpm_table.h"

ZEND_TSRMLS_CACHE_DEFINE()

#define OUT_CAPACITY (32 * 1024)
/* the user session handler's callables: an array up to PHP 8.3, a struct of as many zvals from 8.4 */
#define SESSION_USER_HANDLERS (sizeof(((php_ps_globals *)0)->mod_user_names) / sizeof(zval))
#define session_user_handlers() ((zval *)&PS(mod_user_names))
#if PHP_VERSION_ID >= 80400
#define EPHPM_FENTRY(name, handler, arginfo) ZEND_RAW_FENTRY(name, handler, arginfo, 0, NULL, NULL)
#else
#define EPHPM_FENTRY(name, handler, arginfo) ZEND_RAW_FENTRY(name, handler, arginfo, 0)
#endif
#define STACK_RESERVE (256 * 1024)

enum { MODE_NONE, MODE_CLASSIC, MODE_WORKER };

typedef struct {
	ephpm_next_request_fn next_request;
	ephpm_emit_fn emit;
	ephpm_read_body_fn read_body;
	ephpm_log_fn log;
	ephpm_run_tasks_fn run_tasks;
	int worker_id;
	int mode;

	/* worker script state */
	int64_t requests;      /* requests taken by the current worker script */
	int took_first;        /* take_request() was called at least once */
	int stop_requested;    /* take_request() returned null */
	int in_handler;        /* frankenphp_handle_request() runs its handler */
	int script_done;       /* the worker script has ended: shutdown functions and destructors run, no request may start */

	/* current request */
	int active;            /* a request's response is open */
	int finished;          /* its final emit happened */
	int headers_pending;
	int body_started;      /* body bytes reached Java */
	int sent_file;         /* send_file() answered this response; further output is dropped */
	int status;
	int exit_called;
	int fatal_type;
	int in_startup;        /* PHP is building the superglobals from the request */
	int reject_status;     /* the request's input broke a limit: answer with this status, run no script */
	char last_error[1024];
	char *out;
	size_t out_len;
	char *hdr;
	size_t hdr_len, hdr_cap;
	char *cookie;
	const char *envelope; /* owned by Java, valid until the request ends */
	const char *boot_envelope; /* the worker's boot variables, valid while the worker runs */
	const char *ini; /* this thread's php.ini overrides (envelope format), owned by Java */
	/* the environment PHP sees on this thread: the runtime's plus the thread's own; persistent copies */
	HashTable env;

	/* putenv() of this thread, never seen by other threads */
	HashTable env_sandbox;
	/* the thread's C stack, and the lowest address at which PHP code may still be entered */
	char *stack_low;
	char *stack_high;
	char *stack_limit;
	/* what a worker script had set up when it took its first request; each later request starts from it */
	HashTable *boot_ini; /* persistent: INI name -> value */
	zval boot_session_handler[SESSION_USER_HANDLERS];
	zend_string *boot_session_handler_class;
	/* request-timeout: the most execution time a request may have, whatever set_time_limit() asks; 0: none */
	zend_long time_ceiling;
	/* when the current request's ceiling runs out; moved on by the time spent blocked on the client */
	struct timespec ceiling_end;
	struct live_thread *live; /* this thread's entry in the list another thread interrupts through */
	/* where the main context was left for a Fiber: the thread's stack below it is free while a Fiber runs */
	char *main_suspended_at;
	struct java_call *pending_java_call;
} ephpm_ctx;

static __thread ephpm_ctx *ctx;

static pthread_mutex_t runtime_lock = PTHREAD_MUTEX_INITIALIZER;
static int runtime_state; /* 0 not started, 1 running, -1 failed */
static char startup_error[1024];
static char runtime_description[128];
static HashTable configured_env; /* persistent: name -> value, the only environment PHP sees */
static void (*original_error_cb)(int, zend_string *, const uint32_t, zend_string *);
#if PHP_VERSION_ID < 80300
/* defined by native/call-stack-guard.patch.sh in libphp; PHP 8.3 and later guard the C stack themselves */
extern ZEND_API bool (*ephpm_call_stack_exhausted)(void);
extern ZEND_API bool ephpm_fiber_stack_bounds(const zend_fiber_context *context, char **low, char **high);
#endif

/* ---------------------------------------------------------------- calls into Java */

/* A Fiber runs PHP on a C stack of its own, which the JVM does not know: Java entered from there
 * takes it for an overflow of the thread's stack. So every call into Java goes through call_java(),
 * which, on a Fiber's stack, runs it on the thread's own stack instead: below the frame where the
 * main context was suspended to enter the Fiber, free while any Fiber runs. JAVA_CALL_MARGIN stays
 * untouched under that frame; the JVM's guard and shadow pages need the room at the bottom. */
#define JAVA_CALL_MARGIN (64 * 1024)
#define JAVA_CALL_ROOM (256 * 1024)

typedef struct java_call {
	void (*run)(void *);
	void *arg;
} java_call;

static void remember_main_stack(zend_fiber_context *from, zend_fiber_context *to) {
	char here;
	(void)to;
	if (ctx && from == EG(main_fiber_context)) ctx->main_suspended_at = &here;
}

static void run_pending_java_call(void) {
	ctx->pending_java_call->run(ctx->pending_java_call->arg);
}

/* Runs run(arg), which calls Java, on the thread's own stack; false when there is no room for it there. */
static bool call_java(void (*run)(void *), void *arg) {
	char here;
	bool in_fiber = EG(current_fiber_context) && EG(current_fiber_context) != EG(main_fiber_context);
	if (!in_fiber || !ctx->stack_low || (&here >= ctx->stack_low && &here < ctx->stack_high)) {
		run(arg);
		return true;
	}
	char *main = ctx->main_suspended_at;
	if (!main || main >= ctx->stack_high || main < ctx->stack_low + JAVA_CALL_MARGIN + JAVA_CALL_ROOM) return false;
	char *top = main - JAVA_CALL_MARGIN;
	java_call call = {run, arg};
	ucontext_t fiber, thread_stack;
	if (getcontext(&thread_stack) != 0) return false;
	thread_stack.uc_stack.ss_sp = ctx->stack_low;
	thread_stack.uc_stack.ss_size = (size_t)(top - ctx->stack_low);
	thread_stack.uc_link = &fiber;
	makecontext(&thread_stack, run_pending_java_call, 0);
	ctx->pending_java_call = &call;
	return swapcontext(&fiber, &thread_stack) == 0;
}

typedef struct {
	int flags, status;
	const char *headers;
	int headers_len;
	const char *body;
	int body_len;
	int answer;
} emit_call;

static void java_emit(void *arg) {
	emit_call *c = arg;
	c->answer = ctx->emit(c->flags, c->status, c->headers, c->headers_len, c->body, c->body_len);
}

typedef struct {
	int64_t memory;
	emit_call last;
	const char *envelope;
} next_request_call;

static void java_next_request(void *arg) {
	next_request_call *c = arg;
	c->envelope = ctx->next_request(c->memory, c->last.flags, c->last.status, c->last.headers, c->last.headers_len,
	                                c->last.body, c->last.body_len);
}

typedef struct {
	char *buffer;
	int max;
	int read;
} read_body_call;

static void java_read_body(void *arg) {
	read_body_call *c = arg;
	c->read = ctx->read_body(c->buffer, c->max);
}

typedef struct {
	int level;
	const char *message;
} log_call;

static void java_log(void *arg) {
	log_call *c = arg;
	ctx->log(c->level, c->message);
}

/* ---------------------------------------------------------------- envelope */

typedef struct {
	const char *key;
	uint32_t key_len;
	const char *value;
	uint32_t value_len;
} envelope_entry;

static uint32_t read_u32(const char *p) {
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* Walks the envelope; calls fn for each entry. */
static void envelope_each(const char *env, void (*fn)(envelope_entry *, void *), void *arg) {
	if (!env) return;
	uint32_t count = read_u32(env);
	const char *p = env + 4;
	for (uint32_t i = 0; i < count; i++) {
		envelope_entry e;
		e.key_len = read_u32(p);
		e.key = p + 4;
		p = e.key + e.key_len + 1;
		e.value_len = read_u32(p);
		e.value = p + 4;
		p = e.value + e.value_len + 1;
		fn(&e, arg);
	}
}

static void apply_request_info(envelope_entry *e, void *unused) {
	(void)unused;
#define IS(name) (e->key_len == sizeof(name) - 1 && memcmp(e->key, name, sizeof(name) - 1) == 0)
	if (IS("REQUEST_METHOD")) SG(request_info).request_method = e->value;
	else if (IS("QUERY_STRING")) SG(request_info).query_string = (char *)e->value;
	else if (IS("REQUEST_URI")) SG(request_info).request_uri = (char *)e->value;
	else if (IS("CONTENT_TYPE")) SG(request_info).content_type = e->value;
	else if (IS("CONTENT_LENGTH")) SG(request_info).content_length = ZEND_STRTOL(e->value, NULL, 10);
	else if (IS("SCRIPT_FILENAME")) SG(request_info).path_translated = (char *)e->value;
	else if (IS("HTTP_COOKIE")) ctx->cookie = (char *)e->value;
	else if (IS("HTTP_AUTHORIZATION")) php_handle_auth_data(e->value);
	else if (IS("SERVER_PROTOCOL")) {
		if (e->value_len >= 8 && memcmp(e->value, "HTTP/1.0", 8) == 0) SG(request_info).proto_num = 1000;
		else if (e->value_len >= 6 && memcmp(e->value, "HTTP/2", 6) == 0) SG(request_info).proto_num = 2000;
		else SG(request_info).proto_num = 1100;
	}
#undef IS
}

static void set_request_info(const char *envelope) {
	ctx->envelope = envelope;
	ctx->cookie = NULL;
	SG(server_context) = ctx;
	SG(request_info).request_method = NULL;
	SG(request_info).query_string = NULL;
	SG(request_info).request_uri = NULL;
	SG(request_info).content_type = NULL;
	SG(request_info).content_length = 0;
	SG(request_info).path_translated = NULL;
	SG(request_info).proto_num = 1100;
	SG(sapi_headers).http_response_code = 200;
	envelope_each(envelope, apply_request_info, NULL);
}

static void clear_request_info(void) {
	ctx->envelope = NULL;
	ctx->cookie = NULL;
	SG(request_info).request_method = NULL;
	SG(request_info).query_string = NULL;
	SG(request_info).request_uri = NULL;
	SG(request_info).content_type = NULL;
	SG(request_info).path_translated = NULL;
	SG(request_info).cookie_data = NULL;
}

/* ---------------------------------------------------------------- execution time */

/* max_execution_time counts the time PHP runs, not the time it waits on its client (php-fpm counts
 * CPU time): a callback that may block on the client (writing the response, reading the body) stops
 * the thread's timer and re-arms it with what was left. A client that stops reading is the
 * container's idle timeout's business. */
typedef struct {
	struct timespec left;  /* zero: the timer was not running */
	struct timespec since;
} paused_timer;

static int64_t nanos_between(struct timespec from, struct timespec to) {
	return (int64_t)(to.tv_sec - from.tv_sec) * 1000000000 + (to.tv_nsec - from.tv_nsec);
}

static void add_nanos(struct timespec *t, int64_t nanos) {
	nanos += t->tv_nsec;
	t->tv_sec += nanos / 1000000000;
	t->tv_nsec = nanos % 1000000000;
	if (t->tv_nsec < 0) {
		t->tv_nsec += 1000000000;
		t->tv_sec--;
	}
}

static paused_timer pause_execution_timer(void) {
	paused_timer paused = {0};
#ifdef ZEND_MAX_EXECUTION_TIMERS
	struct itimerspec off = {0}, was = {0};
	if (EG(pid) && timer_settime(EG(max_execution_timer_timer), 0, &off, &was) == 0 && (was.it_value.tv_sec || was.it_value.tv_nsec)) {
		paused.left = was.it_value;
		clock_gettime(CLOCK_BOOTTIME, &paused.since);
	}
#endif
	return paused;
}

static void resume_execution_timer(paused_timer paused) {
#ifdef ZEND_MAX_EXECUTION_TIMERS
	if (!paused.left.tv_sec && !paused.left.tv_nsec) return;
	struct itimerspec on = {.it_value = paused.left};
	if (EG(pid)) timer_settime(EG(max_execution_timer_timer), 0, &on, NULL);
	struct timespec now;
	clock_gettime(CLOCK_BOOTTIME, &now);
	add_nanos(&ctx->ceiling_end, nanos_between(paused.since, now));
#endif
}

bool ephpm_call_java_waiting(void (*run)(void *), void *arg) {
	if (!ctx) return false;
	paused_timer paused = pause_execution_timer();
	bool reached = call_java(run, arg);
	resume_execution_timer(paused);
	return reached;
}

static void start_ceiling(void) {
	clock_gettime(CLOCK_BOOTTIME, &ctx->ceiling_end);
	ctx->ceiling_end.tv_sec += ctx->time_ceiling;
}

/* Whole seconds left of the request's ceiling, at least 1 (the timer fires at the ceiling anyway). */
static zend_long ceiling_seconds_left(void) {
	struct timespec now;
	clock_gettime(CLOCK_BOOTTIME, &now);
	int64_t left = nanos_between(now, ctx->ceiling_end);
	return left <= 1000000000 ? 1 : (zend_long)((left + 999999999) / 1000000000);
}

/* The time limit a request starts with: max_execution_time, within the ceiling. */
static zend_long request_time_limit(void) {
	zend_long limit = INI_INT("max_execution_time");
	return ctx->time_ceiling > 0 && (limit <= 0 || limit > ctx->time_ceiling) ? ctx->time_ceiling : limit;
}

static ZEND_INI_MH((*original_on_update_timeout));

/* set_time_limit() and ini_set('max_execution_time') work as in php-fpm, but the time they grant ends
 * at the ceiling at the latest: 0 ("no limit") and longer limits are cut to what is left of it. */
static ZEND_INI_MH(on_update_time_limit) {
	if (stage == ZEND_INI_STAGE_RUNTIME && ctx && ctx->time_ceiling > 0) {
		zend_long asked = ZEND_ATOL(ZSTR_VAL(new_value));
		zend_long left = ceiling_seconds_left();
		if (asked <= 0 || asked > left) {
			zend_string *granted = zend_long_to_str(left);
			int result = original_on_update_timeout(entry, granted, mh_arg1, mh_arg2, mh_arg3, stage);
			zend_string_release(granted);
			return result;
		}
	}
	return original_on_update_timeout(entry, new_value, mh_arg1, mh_arg2, mh_arg3, stage);
}

static void bound_time_limits(void) {
	zend_ini_entry *entry = zend_hash_str_find_ptr(EG(ini_directives), "max_execution_time", sizeof("max_execution_time") - 1);
	if (entry && entry->on_modify) {
		original_on_update_timeout = entry->on_modify;
		entry->on_modify = on_update_time_limit;
	}
}

/* ---------------------------------------------------------------- response */

static void reset_response(void) {
	ctx->active = 1;
	ctx->finished = 0;
	ctx->headers_pending = 0;
	ctx->body_started = 0;
	ctx->sent_file = 0;
	ctx->status = 200;
	ctx->out_len = 0;
	ctx->hdr_len = 0;
	ctx->exit_called = 0;
	ctx->fatal_type = 0;
	ctx->reject_status = 0;
	ctx->last_error[0] = '\0';
}

/* Hands buffered headers and body (or the given body) to Java. */
static int emit(int flags, const char *body, size_t body_len) {
	if (!ctx->active) return EPHPM_CLIENT_OK;
	/* as php-fpm after fastcgi_finish_request(): the connection is closed to further output */
	if (ctx->finished) return EPHPM_CLIENT_GONE;
	if (ctx->headers_pending) flags |= EPHPM_EMIT_HEADERS;
	if (body_len > 0) ctx->body_started = 1;
	emit_call call = {flags, ctx->status, ctx->hdr, (int)ctx->hdr_len, body, (int)body_len, EPHPM_CLIENT_GONE};
	ephpm_call_java_waiting(java_emit, &call);
	ctx->headers_pending = 0;
	if (flags & EPHPM_EMIT_FINAL) ctx->finished = 1;
	return call.answer;
}

/* An interim response (103 Early Hints) with the headers set so far, which stay for the final response
 * (RFC 8297). Refused once the final headers are out. */
static int emit_informational(int status) {
	if (!ctx->active || ctx->finished || ctx->sent_file || SG(headers_sent) || ctx->body_started) return EPHPM_CLIENT_GONE;
	smart_str lines = {0};
	zend_llist_position pos;
	sapi_header_struct *h = zend_llist_get_first_ex(&SG(sapi_headers).headers, &pos);
	while (h) {
		if (h->header_len > 0) {
			smart_str_appendl(&lines, h->header, h->header_len);
			smart_str_appendc(&lines, '\n');
		}
		h = zend_llist_get_next_ex(&SG(sapi_headers).headers, &pos);
	}
	emit_call call = {EPHPM_EMIT_INFORMATIONAL, status, lines.s ? ZSTR_VAL(lines.s) : "", lines.s ? (int)ZSTR_LEN(lines.s) : 0,
	                  "", 0, EPHPM_CLIENT_GONE};
	ephpm_call_java_waiting(java_emit, &call);
	smart_str_free(&lines);
	return call.answer;
}

static int emit_buffered(int flags) {
	int answer = emit(flags, ctx->out, ctx->out_len);
	ctx->out_len = 0;
	return answer;
}

static void finish_response(int outcome) {
	if (!ctx->active || ctx->finished) return;
	emit_buffered(EPHPM_EMIT_FINAL | (outcome << EPHPM_EMIT_OUTCOME_SHIFT));
}

/* ---------------------------------------------------------------- SAPI callbacks */

static void log_line(int level, const char *message) {
	log_call call = {level, message};
	if (!ctx || !ctx->log || !call_java(java_log, &call)) fprintf(stderr, "[ephpm] %s\n", message);
}

static size_t sapi_ephpm_ub_write(const char *str, size_t len) {
	if (!ctx) return len;
	if (!ctx->active) {
		/* output outside a request (worker boot): keep it visible in the log */
		char line[1024];
		size_t n = len < sizeof line - 1 ? len : sizeof line - 1;
		memcpy(line, str, n);
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
		line[n] = '\0';
		if (n > 0) log_line(LOG_INFO, line);
		return len;
	}
	if (ctx->sent_file) return len;
	const size_t written = len;
	int answer = EPHPM_CLIENT_OK;
	if (ctx->out_len + len > OUT_CAPACITY) {
		answer = emit_buffered(0);
		/* large writes go straight through, in pieces an int can count */
		while (answer == EPHPM_CLIENT_OK && len >= OUT_CAPACITY) {
			size_t piece = len < (1u << 24) ? len : (1u << 24);
			answer = emit(0, str, piece);
			str += piece;
			len -= piece;
		}
	}
	if (answer != EPHPM_CLIENT_OK) {
		php_handle_aborted_connection();
		return written;
	}
	if (len) {
		memcpy(ctx->out + ctx->out_len, str, len);
		ctx->out_len += len;
	}
	return written;
}

static void sapi_ephpm_flush(void *server_context) {
	if (!ctx || !ctx->active) return;
	if (ctx->finished) {
		php_handle_aborted_connection(); /* php-fpm's flush() after fastcgi_finish_request() fails the same way */
		return;
	}
	if (!SG(headers_sent)) sapi_send_headers();
	if (emit_buffered(EPHPM_EMIT_FLUSH) != EPHPM_CLIENT_OK) php_handle_aborted_connection();
}

static void append_header(const char *s, size_t n) {
	if (ctx->hdr_len + n + 1 > ctx->hdr_cap) {
		size_t cap = ctx->hdr_cap ? ctx->hdr_cap : 1024;
		while (cap < ctx->hdr_len + n + 1) cap *= 2;
		ctx->hdr = realloc(ctx->hdr, cap);
		ctx->hdr_cap = cap;
	}
	memcpy(ctx->hdr + ctx->hdr_len, s, n);
	ctx->hdr_len += n;
	ctx->hdr[ctx->hdr_len++] = '\n';
}

static int sapi_ephpm_send_headers(sapi_headers_struct *headers) {
	if (!ctx || !ctx->active || ctx->finished) return SAPI_HEADER_SENT_SUCCESSFULLY;
	ctx->status = headers->http_response_code ? headers->http_response_code : 200;
	ctx->hdr_len = 0;
	zend_llist_position pos;
	sapi_header_struct *h = zend_llist_get_first_ex(&headers->headers, &pos);
	while (h) {
		if (h->header_len > 0) append_header(h->header, h->header_len);
		h = zend_llist_get_next_ex(&headers->headers, &pos);
	}
	ctx->headers_pending = 1;
	return SAPI_HEADER_SENT_SUCCESSFULLY;
}

static size_t sapi_ephpm_read_post(char *buffer, size_t count) {
	/* a refused body, or one left unread by a finished response, is not drained through PHP: the
	 * container discards it */
	if (!ctx || !ctx->active || !ctx->read_body || ctx->reject_status || ctx->finished) return 0;
	size_t total = 0;
	while (total < count) {
		size_t want = count - total;
		read_body_call call = {buffer + total, want > INT32_MAX ? INT32_MAX : (int)want, -1};
		ephpm_call_java_waiting(java_read_body, &call);
		int n = call.read;
		if (n < 0) {
			/* the body broke off (bad chunking, fewer bytes than Content-Length): a client error */
			ctx->reject_status = 400;
			break;
		}
		if (n == 0) break;
		total += (size_t)n;
	}
	return total;
}

static char *sapi_ephpm_read_cookies(void) {
	return ctx ? ctx->cookie : NULL;
}

static void register_entry(envelope_entry *e, void *track_vars) {
	char *value = (char *)e->value;
	size_t new_len = e->value_len;
	if (sapi_module.input_filter(PARSE_SERVER, (char *)e->key, &value, e->value_len, &new_len)) {
		php_register_variable_safe((char *)e->key, value, new_len, (zval *)track_vars);
	}
}

static HashTable *visible_env(void) {
	return ctx ? &ctx->env : &configured_env;
}

static void import_configured_env(zval *track_vars) {
	zend_string *name;
	zval *value;
	ZEND_HASH_FOREACH_STR_KEY_VAL(visible_env(), name, value) {
		php_register_variable_safe(ZSTR_VAL(name), Z_STRVAL_P(value), Z_STRLEN_P(value), track_vars);
	} ZEND_HASH_FOREACH_END();
}

static void sapi_ephpm_register_variables(zval *track_vars) {
	import_configured_env(track_vars);
	if (ctx) envelope_each(ctx->envelope, register_entry, track_vars);
}

static void sapi_ephpm_log_message(const char *message, int syslog_type) {
	log_line(syslog_type, message);
}

static char *sapi_ephpm_getenv(const char *name, size_t len) {
	zval *v = NULL;
	if (ctx) v = zend_hash_str_find(&ctx->env_sandbox, name, len);
	if (!v) v = zend_hash_str_find(visible_env(), name, len);
	return v && Z_TYPE_P(v) == IS_STRING ? Z_STRVAL_P(v) : NULL;
}

static int sapi_ephpm_startup(sapi_module_struct *module);
static int sapi_ephpm_deactivate(void) { return SUCCESS; }

static sapi_module_struct ephpm_sapi_module = {
	"ephpm",                        /* name: OPcache is patched to know it */
	"ePHPm for Jakarta Servlet",    /* pretty name */
	sapi_ephpm_startup,
	php_module_shutdown_wrapper,
	NULL,                           /* activate */
	sapi_ephpm_deactivate,
	sapi_ephpm_ub_write,
	sapi_ephpm_flush,
	NULL,                           /* get uid */
	sapi_ephpm_getenv,
	php_error,
	NULL,                           /* header handler */
	sapi_ephpm_send_headers,
	NULL,                           /* send header */
	sapi_ephpm_read_post,
	sapi_ephpm_read_cookies,
	sapi_ephpm_register_variables,
	sapi_ephpm_log_message,
	NULL,                           /* get request time */
	NULL,                           /* terminate process */
	STANDARD_SAPI_MODULE_PROPERTIES
};

/* ---------------------------------------------------------------- fault detection */

#define FATAL_TYPES (E_ERROR | E_CORE_ERROR | E_COMPILE_ERROR | E_USER_ERROR | E_PARSE | E_RECOVERABLE_ERROR)

/* Input limits PHP enforces while it parses a request: php-fpm runs the script anyway with the
 * input cut short; we answer 4xx instead, so neither the app nor the client mistakes it for data. */
static int rejected_input_status(const char *message) {
	if (strstr(message, "POST Content-Length of")) return 413;
	if (strstr(message, "Actual POST length does not match Content-Length")) return 413;
	if (strstr(message, "Input variables exceeded")) return 400;
	if (strstr(message, "Input variable nesting level exceeded")) return 400;
	if (strstr(message, "Multipart body parts limit exceeded")) return 400;
	if (strstr(message, "Maximum number of allowable file uploads has been exceeded")) return 400;
	return 0;
}

static void ephpm_error_cb(int type, zend_string *file, const uint32_t line, zend_string *message) {
	if (ctx && ctx->in_startup && (type & E_WARNING) && !ctx->reject_status) {
		ctx->reject_status = rejected_input_status(ZSTR_VAL(message));
	}
	if (ctx && (type & FATAL_TYPES) && !ctx->fatal_type) {
		ctx->fatal_type = type & ~E_DONT_BAIL;
		snprintf(ctx->last_error, sizeof ctx->last_error, "%s in %s on line %u", ZSTR_VAL(message),
		         file ? ZSTR_VAL(file) : "Unknown", line);
	}
	original_error_cb(type, file, line, message);
}

#if PHP_VERSION_ID >= 80400
/* exit() and die() are a function from PHP 8.4 on: its handler is wrapped, once, before any thread runs */
static zif_handler original_exit;

static ZEND_NAMED_FUNCTION(ephpm_exit) {
	original_exit(INTERNAL_FUNCTION_PARAM_PASSTHRU);
	if (ctx && EG(exception) && zend_is_unwind_exit(EG(exception))) ctx->exit_called = 1;
}

static void observe_exit(void) {
	zend_function *exit_function = zend_hash_str_find_ptr(CG(function_table), ZEND_STRL("exit"));
	if (exit_function && exit_function->type == ZEND_INTERNAL_FUNCTION && !original_exit) {
		original_exit = exit_function->internal_function.handler;
		exit_function->internal_function.handler = ephpm_exit;
	}
}
#else
static int ephpm_exit_handler(zend_execute_data *execute_data) {
	if (ctx) ctx->exit_called = 1;
	return ZEND_USER_OPCODE_DISPATCH;
}

static void observe_exit(void) {
	zend_set_user_opcode_handler(ZEND_EXIT, ephpm_exit_handler);
}
#endif

static int starts_with(const char *s, const char *prefix) {
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int classify_outcome(int bailed_out) {
	if (ctx->exit_called && !ctx->fatal_type) return EPHPM_EXIT;
	if (ctx->fatal_type) {
		if (starts_with(ctx->last_error, "Maximum execution time")) return EPHPM_TIMEOUT;
		if (starts_with(ctx->last_error, "Allowed memory size")) return EPHPM_OOM;
		if (starts_with(ctx->last_error, "Uncaught ")) return EPHPM_EXCEPTION;
		return EPHPM_FATAL;
	}
	return bailed_out ? EPHPM_FATAL : EPHPM_OK;
}

#if PHP_VERSION_ID < 80300
/* Called by the patched zend_call_function (native/call-stack-guard.patch.sh) each time C code
 * enters PHP code again: true when fewer than STACK_RESERVE bytes of C stack are left. A Fiber runs on
 * a C stack of its own (fiber.stack_size), whose reserve is a quarter of it at most. */
static bool ephpm_call_stack_exhausted_here(void) {
	char here;
	char *low, *high;
	if (!ctx || !ctx->stack_limit) return false;
	if (&here >= ctx->stack_low && &here < ctx->stack_high) return &here < ctx->stack_limit;
	if (ephpm_fiber_stack_bounds(EG(current_fiber_context), &low, &high) && &here >= low && &here < high) {
		return &here < low + MIN((size_t)(high - low) / 4, (size_t)STACK_RESERVE);
	}
	return false;
}
#endif

static void set_stack_limit(void) {
	pthread_attr_t attr;
	void *addr;
	size_t size;
	ctx->stack_limit = NULL;
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		if (pthread_attr_getstack(&attr, &addr, &size) == 0 && size > 2 * STACK_RESERVE) {
			ctx->stack_low = (char *)addr;
			ctx->stack_high = (char *)addr + size;
			ctx->stack_limit = (char *)addr + STACK_RESERVE;
		}
		pthread_attr_destroy(&attr);
	}
}

/* ---------------------------------------------------------------- getenv/putenv per thread */

static void return_env_array(zval *return_value) {
	array_init(return_value);
	zend_string *name;
	zval *value;
	ZEND_HASH_FOREACH_STR_KEY_VAL(visible_env(), name, value) {
		add_assoc_stringl_ex(return_value, ZSTR_VAL(name), ZSTR_LEN(name), Z_STRVAL_P(value), Z_STRLEN_P(value));
	} ZEND_HASH_FOREACH_END();
	if (ctx) {
		ZEND_HASH_FOREACH_STR_KEY_VAL(&ctx->env_sandbox, name, value) {
			if (Z_TYPE_P(value) == IS_STRING)
				add_assoc_stringl_ex(return_value, ZSTR_VAL(name), ZSTR_LEN(name), Z_STRVAL_P(value), Z_STRLEN_P(value));
			else
				zend_hash_del(Z_ARRVAL_P(return_value), name);
		} ZEND_HASH_FOREACH_END();
	}
}

PHP_FUNCTION(ephpm_getenv) {
	zend_string *name = NULL;
	bool local_only = 0;
	ZEND_PARSE_PARAMETERS_START(0, 2)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(name)
		Z_PARAM_BOOL(local_only)
	ZEND_PARSE_PARAMETERS_END();
	if (!name) {
		return_env_array(return_value);
		return;
	}
	/* PHP's getenv() hands the name to the C library, which reads it up to the first NUL */
	size_t name_len = strlen(ZSTR_VAL(name));
	zval *v = ctx ? zend_hash_str_find(&ctx->env_sandbox, ZSTR_VAL(name), name_len) : NULL;
	if (v) {
		if (Z_TYPE_P(v) == IS_STRING) RETURN_STRINGL(Z_STRVAL_P(v), Z_STRLEN_P(v)); /* a request copy: the table holds persistent strings */
		RETURN_FALSE; /* unset by putenv("NAME") */
	}
	v = zend_hash_str_find(visible_env(), ZSTR_VAL(name), name_len);
	if (v) RETURN_STRINGL(Z_STRVAL_P(v), Z_STRLEN_P(v)); /* a request copy: the table holds persistent strings */
	RETURN_FALSE;
}

static void sandbox_value_dtor(zval *zv) {
	if (Z_TYPE_P(zv) == IS_STRING) zend_string_release(Z_STR_P(zv));
}

PHP_FUNCTION(ephpm_putenv) {
	zend_string *setting;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(setting)
	ZEND_PARSE_PARAMETERS_END();
	/* PHP's own checks; like PHP's putenv(), which hands the setting to the C library, the rest
	 * reads it only up to the first NUL */
	if (ZSTR_LEN(setting) == 0 || ZSTR_VAL(setting)[0] == '=') {
		zend_argument_value_error(1, "must have a valid syntax");
		RETURN_THROWS();
	}
	if (!ctx) RETURN_FALSE;
	size_t setting_len = strlen(ZSTR_VAL(setting));
	const char *eq = memchr(ZSTR_VAL(setting), '=', setting_len);
	size_t name_len = eq ? (size_t)(eq - ZSTR_VAL(setting)) : setting_len;
	if (name_len == 0) RETURN_TRUE; /* the C library refuses an empty name, and PHP does not tell */
	zval v;
	if (eq) {
		ZVAL_STR(&v, zend_string_init(eq + 1, setting_len - name_len - 1, 1));
	} else {
		ZVAL_NULL(&v); /* marks the name as unset on this thread */
	}
	zend_hash_str_update(&ctx->env_sandbox, ZSTR_VAL(setting), name_len, &v);
	RETURN_TRUE;
}

static void replace_function(const char *name, zif_handler handler) {
	zend_function *f = zend_hash_str_find_ptr(CG(function_table), name, strlen(name));
	if (f && f->type == ZEND_INTERNAL_FUNCTION) {
		f->internal_function.handler = handler;
	}
}

/* ---------------------------------------------------------------- OPcache restarts */

/* OPcache restarts its shared memory (opcache_reset(), a full cache) only when no other thread runs
 * PHP code (native/opcache-restart-gate.patch.sh): a classic request, or a worker script for its
 * whole life, holds pointers into it. While a restart is pending, a thread about to start a PHP
 * request waits until no other thread is inside one, so that it performs the restart itself. The
 * wait is bounded: while a long request elsewhere (a stuck worker, another app's) keeps the cache
 * in use, new requests wait OPCACHE_DRAIN_MS once, then run without the restart, which stays
 * pending, for OPCACHE_DRAIN_RETRY_MS before the next attempt. Worker pools retire their workers
 * when they learn of a pending restart (EPHPM_OPCACHE_RESTART_PENDING). */
extern ZEND_API bool (*ephpm_opcache_may_restart)(void);
extern ZEND_API bool (*ephpm_opcache_restart_pending)(void);

#define OPCACHE_DRAIN_MS 3000
#define OPCACHE_DRAIN_RETRY_MS 5000

static pthread_mutex_t php_threads_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t php_threads_left;
static int php_threads_inside;  /* threads inside a PHP request */
static int php_threads_waiting; /* threads waiting to start one */
static bool opcache_restarting; /* a thread restarts OPcache as its request starts */
static int64_t drain_deadline_ms, drain_retry_ms;
static __thread bool inside_php, restarting_here;

static int64_t monotonic_ms(void) {
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static bool opcache_restart_pending(void) {
	return ephpm_opcache_restart_pending && ephpm_opcache_restart_pending();
}

/* Consulted by OPcache, under its own lock, right before it restarts. */
static bool opcache_may_restart_now(void) {
	pthread_mutex_lock(&php_threads_lock);
	bool alone = inside_php && php_threads_inside == 1;
	if (alone) opcache_restarting = restarting_here = true;
	pthread_mutex_unlock(&php_threads_lock);
	return alone;
}

static void init_opcache_restarts(void) {
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&php_threads_left, &attr);
	pthread_condattr_destroy(&attr);
	ephpm_opcache_may_restart = opcache_may_restart_now;
}

/* Under php_threads_lock: whether a thread about to start a request must wait for the others. */
static bool must_wait_for_restart(void) {
	if (opcache_restarting) return true;
	if (php_threads_inside == 0 || !opcache_restart_pending()) return false;
	int64_t now = monotonic_ms();
	if (now < drain_retry_ms) return false;
	if (drain_deadline_ms == 0) drain_deadline_ms = now + OPCACHE_DRAIN_MS;
	if (now < drain_deadline_ms) return true;
	drain_deadline_ms = 0;
	drain_retry_ms = now + OPCACHE_DRAIN_RETRY_MS;
	pthread_cond_broadcast(&php_threads_left);
	return false;
}

static void enter_php(void) {
	pthread_mutex_lock(&php_threads_lock);
	while (must_wait_for_restart()) {
		int64_t until = opcache_restarting ? monotonic_ms() + 100 : drain_deadline_ms;
		struct timespec deadline = {until / 1000, (until % 1000) * 1000000};
		php_threads_waiting++;
		pthread_cond_timedwait(&php_threads_left, &php_threads_lock, &deadline);
		php_threads_waiting--;
	}
	php_threads_inside++;
	inside_php = true;
	pthread_mutex_unlock(&php_threads_lock);
}

/* After this thread's php_request_startup, in which OPcache may have restarted. */
static void opcache_restart_done(void) {
	if (!restarting_here) return;
	pthread_mutex_lock(&php_threads_lock);
	opcache_restarting = restarting_here = false;
	drain_deadline_ms = drain_retry_ms = 0;
	pthread_cond_broadcast(&php_threads_left);
	pthread_mutex_unlock(&php_threads_lock);
}

/* Returns EPHPM_OPCACHE_RESTART_PENDING when a restart waits for the PHP threads to leave. */
static int leave_php(void) {
	opcache_restart_done();
	pthread_mutex_lock(&php_threads_lock);
	php_threads_inside--;
	inside_php = false;
	if (php_threads_waiting > 0) pthread_cond_broadcast(&php_threads_left);
	pthread_mutex_unlock(&php_threads_lock);
	return opcache_restart_pending() ? EPHPM_OPCACHE_RESTART_PENDING : 0;
}

int ephpm_opcache_restart_scheduled(void) {
	return opcache_restart_pending();
}

/* ---------------------------------------------------------------- worker requests */

static const char *MODULES_TO_RELOAD[] = {"filter", "session", NULL};

static void reload_modules(int startup) {
	for (const char **name = MODULES_TO_RELOAD; *name; name++) {
		zend_module_entry *m = zend_hash_str_find_ptr(&module_registry, *name, strlen(*name));
		if (!m) continue;
		if (startup && m->request_startup_func) m->request_startup_func(m->type, m->module_number);
		if (!startup && m->request_shutdown_func) m->request_shutdown_func(m->type, m->module_number);
	}
}

/* A php://input stream the script keeps reads the body store of the request that opened it, which
 * it holds without a reference (ext/standard/php_fopen_wrapper.c, php_stream_input_t: body first). */
static bool php_input_stream_reads(php_stream *body) {
	zend_resource *res;
	int stream_type = php_file_le_stream();
	ZEND_HASH_FOREACH_PTR(&EG(regular_list), res) {
		php_stream *stream = res->type == stream_type ? (php_stream *)res->ptr : NULL;
		if (stream && stream->abstract && strcmp(stream->ops->label, "Input") == 0 && *(php_stream **)stream->abstract == body) {
			return true;
		}
	} ZEND_HASH_FOREACH_END();
	return false;
}

static void rearm_superglobals(void) {
	zval *files = &PG(http_globals)[TRACK_VARS_FILES];
	zval_ptr_dtor_nogc(files);
	ZVAL_UNDEF(files);
	zend_hash_str_del(&EG(symbol_table), "_SESSION", sizeof("_SESSION") - 1);

	zend_auto_global *ag;
	ZEND_HASH_MAP_FOREACH_PTR(CG(auto_globals), ag) {
		if (ag->name == ZSTR_KNOWN(ZEND_STR_AUTOGLOBAL_ENV)) {
			continue; /* $_ENV does not change between requests */
		} else if (ag->name == ZSTR_KNOWN(ZEND_STR_AUTOGLOBAL_SERVER)) {
			ag->armed = ag->auto_global_callback(ag->name);
		} else if (ag->jit) {
			if (ag->name == ZSTR_KNOWN(ZEND_STR_AUTOGLOBAL_REQUEST) && zend_hash_exists(&EG(symbol_table), ag->name)) {
				ag->armed = ag->auto_global_callback(ag->name);
			}
		} else if (ag->auto_global_callback) {
			ag->armed = ag->auto_global_callback(ag->name);
		} else {
			ag->armed = 0;
		}
	} ZEND_HASH_FOREACH_END();
}

/* A worker request starts with the INI settings the worker script had when it took its first request
 * (the thread's php.* overrides and the script's boot-time ini_set() calls), as each php-fpm request
 * starts with its pool's: a request's own ini_set() calls are undone at its end, as PHP undoes them. */
static void remember_boot_ini(void) {
	ctx->boot_ini = pemalloc(sizeof(HashTable), 1);
	zend_hash_init(ctx->boot_ini, 8, NULL, ZVAL_INTERNAL_PTR_DTOR, 1);
	if (!EG(modified_ini_directives)) return;
	zend_ini_entry *entry;
	ZEND_HASH_MAP_FOREACH_PTR(EG(modified_ini_directives), entry) {
		if (!entry->value) continue;
		zval value;
		ZVAL_STR(&value, zend_string_init(ZSTR_VAL(entry->value), ZSTR_LEN(entry->value), 1));
		zend_hash_str_update(ctx->boot_ini, ZSTR_VAL(entry->name), ZSTR_LEN(entry->name), &value);
	} ZEND_HASH_FOREACH_END();
}

static void restore_boot_ini(void) {
	zend_string *name;
	zval *value;
	if (EG(modified_ini_directives)) {
		ZEND_HASH_MAP_FOREACH_STR_KEY(EG(modified_ini_directives), name) {
			if (!zend_hash_exists(ctx->boot_ini, name)) zend_restore_ini_entry(name, ZEND_INI_STAGE_DEACTIVATE);
		} ZEND_HASH_FOREACH_END();
	}
	ZEND_HASH_MAP_FOREACH_STR_KEY_VAL(ctx->boot_ini, name, value) {
		zend_ini_entry *entry = zend_hash_find_ptr(EG(ini_directives), name);
		if (entry && !(entry->value && zend_string_equals(entry->value, Z_STR_P(value)))) {
			zend_alter_ini_entry_chars_ex(name, Z_STRVAL_P(value), Z_STRLEN_P(value), ZEND_INI_SYSTEM, ZEND_INI_STAGE_DEACTIVATE, 1);
		}
	} ZEND_HASH_FOREACH_END();
}

/* The session's RSHUTDOWN drops the handler of session_set_save_handler() at each request's end, while
 * session.save_handler=user stays among the boot settings: a handler set at boot is set again. */
static void remember_boot_session_handler(void) {
	for (size_t i = 0; i < SESSION_USER_HANDLERS; i++) ZVAL_COPY(&ctx->boot_session_handler[i], &session_user_handlers()[i]);
	ctx->boot_session_handler_class = PS(mod_user_class_name) ? zend_string_copy(PS(mod_user_class_name)) : NULL;
}

static void reinstate_boot_session_handler(void) {
	for (size_t i = 0; i < SESSION_USER_HANDLERS; i++) {
		if (Z_ISUNDEF(session_user_handlers()[i])) ZVAL_COPY(&session_user_handlers()[i], &ctx->boot_session_handler[i]);
	}
	if (!PS(mod_user_class_name) && ctx->boot_session_handler_class) {
		PS(mod_user_class_name) = zend_string_copy(ctx->boot_session_handler_class);
	}
}

/* Before the worker script's own request ends: the handler copies live in its memory. */
static void forget_boot_state(void) {
	if (ctx->boot_ini) {
		zend_hash_destroy(ctx->boot_ini);
		pefree(ctx->boot_ini, 1);
		ctx->boot_ini = NULL;
	}
	zend_try {
		for (size_t i = 0; i < SESSION_USER_HANDLERS; i++) {
			zval_ptr_dtor(&ctx->boot_session_handler[i]);
			ZVAL_UNDEF(&ctx->boot_session_handler[i]);
		}
		if (ctx->boot_session_handler_class) zend_string_release(ctx->boot_session_handler_class);
	} zend_end_try();
	ctx->boot_session_handler_class = NULL;
}

/* Ends the current worker request (or the boot pseudo-request): flushes output, deletes upload
 * temp files and resets the SAPI state. The response's last piece stays in the buffers and goes to
 * Java with the next next_request call, one crossing for both; returns that call's emit flags. */
static int worker_request_shutdown(void) {
	zend_try { php_output_end_all(); } zend_end_try();
	if (!ctx->took_first) remember_boot_session_handler();
	zend_try { reload_modules(0); } zend_end_try();
	zend_try { php_output_deactivate(); } zend_end_try();
	int final_flags = 0;
	if (ctx->active && !ctx->finished) {
		final_flags = EPHPM_EMIT_FINAL | (ctx->headers_pending ? EPHPM_EMIT_HEADERS : 0);
		ctx->finished = 1; /* nothing more is emitted, and no unread body is drained */
	}
	ctx->active = 0;
	/* The request body's store (php://input) lives in EG(regular_list), which only a full request
	 * shutdown clears; it is the one stream there that ends with the request. The others belong to
	 * the script, often without a reference on their resource (SplFileObject's, SplTempFileObject's). */
	php_stream *body = SG(request_info).request_body;
	zend_try { sapi_deactivate(); } zend_end_try();
	if (body && !php_input_stream_reads(body)) zend_try { php_stream_close(body); } zend_end_try();
	clear_request_info();
	if (!ctx->took_first) remember_boot_ini();
	else zend_try { restore_boot_ini(); } zend_end_try();
	zend_set_memory_limit(PG(memory_limit));
	return final_flags;
}

/* rearm: build the superglobals from the request info; without it they keep what the last request had */
static int worker_request_startup(int rearm) {
	int result = SUCCESS;
	zend_try {
		php_output_activate();
		PG(header_is_being_sent) = 0;
		PG(connection_status) = PHP_CONNECTION_NORMAL;
		sapi_activate();
		if (PG(expose_php)) sapi_add_header(SAPI_PHP_VERSION_HEADER, sizeof(SAPI_PHP_VERSION_HEADER) - 1, 1);
		if (PG(output_handler) && PG(output_handler)[0]) {
			zval handler;
			ZVAL_STRING(&handler, PG(output_handler));
			php_output_start_user(&handler, 0, PHP_OUTPUT_HANDLER_STDFLAGS);
			zval_ptr_dtor(&handler);
		} else if (PG(output_buffering)) {
			php_output_start_user(NULL, PG(output_buffering) > 1 ? PG(output_buffering) : 0, PHP_OUTPUT_HANDLER_STDFLAGS);
		}
		if (rearm) rearm_superglobals();
		reload_modules(1);
		reinstate_boot_session_handler();
	} zend_catch {
		result = FAILURE;
	} zend_end_try();
	SG(sapi_started) = 1;
	return result;
}

static void answer_rejected(void) {
	zend_try {
		const char *text = ctx->reject_status == 413
		                   ? "413 Payload Too Large: the request body exceeds post_max_size\n"
		                   : "400 Bad Request: the request body is incomplete, or exceeds the input limits (max_input_vars,"
		                     " max_input_nesting_level, max_file_uploads, max_multipart_body_parts)\n";
		sapi_header_line type = {0};
		type.line = "Content-Type: text/plain; charset=UTF-8";
		type.line_len = strlen(type.line);
		sapi_header_op(SAPI_HEADER_REPLACE, &type);
		SG(sapi_headers).http_response_code = ctx->reject_status;
		php_output_write(text, strlen(text));
	} zend_end_try();
}

static void add_request_summary(envelope_entry *e, void *array) {
#define IS(name) (e->key_len == sizeof(name) - 1 && memcmp(e->key, name, sizeof(name) - 1) == 0)
	if (IS("REQUEST_METHOD")) add_assoc_stringl((zval *)array, "method", e->value, e->value_len);
	else if (IS("REQUEST_URI")) add_assoc_stringl((zval *)array, "uri", e->value, e->value_len);
	else if (IS("SERVER_PROTOCOL")) add_assoc_stringl((zval *)array, "protocol", e->value, e->value_len);
	else if (IS("SCRIPT_FILENAME")) add_assoc_stringl((zval *)array, "script", e->value, e->value_len);
#undef IS
}

/* Ends the current request (or the boot, or the idle stretch after a frankenphp_handle_request() handler),
 * then waits for the next.
 * Returns 1 with the new request started, 0 when the worker must stop (the superglobals are the boot
 * ones again), -1 with an exception thrown when the request could not start. */
static int take_next_request(void) {
	const char *envelope;
	int startup;
	do {
		int final_flags = worker_request_shutdown();
		ctx->took_first = 1;
		zend_unset_timeout();

		if (opcache_restart_pending()) final_flags |= EPHPM_OPCACHE_RESTART_PENDING;
		next_request_call call = {(int64_t)zend_memory_usage(1),
		                          {final_flags, ctx->status, ctx->hdr, final_flags & EPHPM_EMIT_HEADERS ? (int)ctx->hdr_len : 0,
		                           ctx->out, final_flags ? (int)ctx->out_len : 0, 0},
		                          NULL};
		call_java(java_next_request, &call);
		envelope = call.envelope;
		ctx->out_len = 0;
		ctx->headers_pending = 0;
		if (envelope) {
			reset_response();
			set_request_info(envelope);
		} else {
			/* the script winds down with its boot variables, and no request body to read */
			ctx->stop_requested = 1;
			set_request_info(ctx->boot_envelope);
			SG(server_context) = NULL;
		}
		ctx->in_startup = 1;
		startup = worker_request_startup(1);
		ctx->in_startup = 0;
		SG(server_context) = ctx;
		if (startup == SUCCESS && envelope && ctx->reject_status) {
			answer_rejected(); /* and on to the next request, without bothering the script */
		}
	} while (startup == SUCCESS && envelope && ctx->reject_status);
	if (startup == FAILURE) {
		finish_response(EPHPM_STARTUP_FAILED);
		zend_throw_exception(spl_ce_RuntimeException, "ePHPm: could not start the request", 0);
		return -1;
	}
	if (!envelope) return 0;

	ctx->requests++;
	start_ceiling();
	zend_set_timeout(request_time_limit(), 0);
	return 1;
}

PHP_FUNCTION(ephpm_take_request) {
	ZEND_PARSE_PARAMETERS_NONE();
	if (!ctx || ctx->mode != MODE_WORKER) {
		zend_throw_exception(spl_ce_LogicException, "Ephpm\\Worker\\take_request() is only available in a worker script", 0);
		RETURN_THROWS();
	}
	if (ctx->in_handler) {
		zend_throw_exception(spl_ce_LogicException, "Ephpm\\Worker\\take_request() cannot run inside a frankenphp_handle_request() handler", 0);
		RETURN_THROWS();
	}
	if (ctx->stop_requested || ctx->script_done) RETURN_NULL();
	int next = take_next_request();
	if (next < 0) RETURN_THROWS();
	if (next == 0) RETURN_NULL();

	array_init(return_value);
	envelope_each(ctx->envelope, add_request_summary, return_value);
	add_assoc_long(return_value, "worker", ctx->worker_id);
	add_assoc_long(return_value, "number", (zend_long)ctx->requests);
}

/* FrankenPHP's contract: the response is complete when frankenphp_handle_request() returns, the
 * session written and upload files gone; the superglobals keep the request's values until the next
 * call. So the request ends here in full, and the script goes on in a pseudo-request of its own with
 * no response, as at boot, which the next call ends as take_request() ends the boot. */
static void complete_handled_request(void) {
	zend_unset_timeout();
	int final_flags = worker_request_shutdown();
	if (final_flags) {
		emit_call call = {final_flags, ctx->status, ctx->hdr, final_flags & EPHPM_EMIT_HEADERS ? (int)ctx->hdr_len : 0,
		                  ctx->out, (int)ctx->out_len, EPHPM_CLIENT_GONE};
		call_java(java_emit, &call);
	}
	ctx->out_len = 0;
	ctx->headers_pending = 0;
	set_request_info(ctx->boot_envelope);
	SG(server_context) = NULL;
	worker_request_startup(0);
	SG(server_context) = ctx;
}

PHP_FUNCTION(ephpm_frankenphp_handle_request) {
	zend_fcall_info fci;
	zend_fcall_info_cache fcc;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_FUNC(fci, fcc)
	ZEND_PARSE_PARAMETERS_END();
	if (!ctx || ctx->mode != MODE_WORKER) {
		zend_throw_exception(spl_ce_RuntimeException, "frankenphp_handle_request() called while not in worker mode", 0);
		RETURN_THROWS();
	}
	if (ctx->in_handler) {
		zend_throw_exception(spl_ce_LogicException, "frankenphp_handle_request() cannot run inside its own handler", 0);
		RETURN_THROWS();
	}
	if (ctx->stop_requested || ctx->script_done) RETURN_FALSE;
	int next = take_next_request();
	if (next < 0) RETURN_THROWS();
	if (next == 0) RETURN_FALSE;

	zval retval;
	ZVAL_UNDEF(&retval);
	fci.retval = &retval;
	fci.params = NULL;
	fci.param_count = 0;
	ctx->in_handler = 1;
	zend_call_function(&fci, &fcc);
	ctx->in_handler = 0;
	zval_ptr_dtor(&retval);
	if (EG(exception)) {
		/* exit() unwinds the whole script, as it does outside a handler */
		if (zend_is_unwind_exit(EG(exception))) RETURN_THROWS();
		/* reported and logged as PHP reports an uncaught exception (500 unless display_errors shows
		 * it); as in FrankenPHP the worker lives on, so it is no worker death */
		zend_exception_error(EG(exception), E_ERROR);
		ctx->fatal_type = 0;
		ctx->last_error[0] = '\0';
	}
	complete_handled_request();
	RETURN_TRUE;
}

/* apache_response_headers() as PHP's own SAPIs give it: the headers set so far by name, the last of
 * several with the same name winning. */
PHP_FUNCTION(ephpm_response_headers) {
	ZEND_PARSE_PARAMETERS_NONE();
	array_init(return_value);
	zend_llist_position pos;
	sapi_header_struct *h = zend_llist_get_first_ex(&SG(sapi_headers).headers, &pos);
	for (; h; h = zend_llist_get_next_ex(&SG(sapi_headers).headers, &pos)) {
		const char *colon = h->header_len ? memchr(h->header, ':', h->header_len) : NULL;
		if (!colon) continue;
		size_t name_len = (size_t)(colon - h->header);
		while (name_len > 0 && (h->header[name_len - 1] == ' ' || h->header[name_len - 1] == '\t')) name_len--;
		if (name_len == 0) continue;
		const char *value = colon + 1, *end = h->header + h->header_len;
		while (value < end && (*value == ' ' || *value == '\t')) value++;
		add_assoc_stringl_ex(return_value, h->header, name_len, (char *)value, (size_t)(end - value));
	}
}

PHP_FUNCTION(ephpm_finish_request) {
	ZEND_PARSE_PARAMETERS_NONE();
	if (!ctx || !ctx->active || ctx->finished) RETURN_FALSE;
	zend_try { php_output_end_all(); } zend_end_try();
	if (!SG(headers_sent)) sapi_send_headers();
	finish_response(EPHPM_OK);
	RETURN_TRUE;
}

PHP_FUNCTION(ephpm_send_file) {
	zend_string *path;
	zend_long offset = 0, length = -1;
	ZEND_PARSE_PARAMETERS_START(1, 3)
		Z_PARAM_PATH_STR(path)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(offset)
		Z_PARAM_LONG(length)
	ZEND_PARSE_PARAMETERS_END();
	if (offset < 0) {
		zend_argument_value_error(2, "must be greater than or equal to 0");
		RETURN_THROWS();
	}
	if (length < -1) {
		zend_argument_value_error(3, "must be -1 (to the end) or a length");
		RETURN_THROWS();
	}
	if (!ctx || !ctx->active || ctx->finished || ctx->sent_file) RETURN_FALSE;
	/* as PHP's own file functions see the path: open_basedir, then PHP's working directory (not the JVM's) */
	char resolved[MAXPATHLEN];
	if (php_check_open_basedir(ZSTR_VAL(path))) RETURN_FALSE;
	if (!expand_filepath(ZSTR_VAL(path), resolved)) {
		php_error_docref(NULL, E_WARNING, "Cannot resolve the path %s", ZSTR_VAL(path));
		RETURN_FALSE;
	}
	zval buffered;
	ZVAL_LONG(&buffered, 0);
	if (php_output_get_level() > 0) php_output_get_length(&buffered);
	if (ctx->body_started || ctx->out_len > 0 || Z_LVAL(buffered) > 0) {
		php_error_docref(NULL, E_WARNING, "Cannot send a file after body output has started");
		RETURN_FALSE;
	}
	if (!SG(headers_sent)) sapi_send_headers();
	char *spec;
	size_t spec_len = zend_spprintf(&spec, 0, ZEND_LONG_FMT ":" ZEND_LONG_FMT ":%s", offset, length, resolved);
	int answer = emit(EPHPM_EMIT_SENDFILE, spec, spec_len);
	efree(spec);
	ctx->sent_file = 1;
	if (answer != EPHPM_CLIENT_OK) {
		php_handle_aborted_connection();
		RETURN_FALSE;
	}
	RETURN_TRUE;
}

/* FrankenPHP's headers_send(): a status from 100 to 199 sends an interim response with the headers set so
 * far and leaves the response as it was; any other sends the final status and headers now. */
PHP_FUNCTION(ephpm_headers_send) {
	zend_long status = 200;
	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(status)
	ZEND_PARSE_PARAMETERS_END();
	if (status < 100 || status > 599) {
		zend_argument_value_error(1, "must be an HTTP status code (100 to 599)");
		RETURN_THROWS();
	}
	if (!ctx || !ctx->active || ctx->finished) RETURN_LONG(SAPI_HEADER_SEND_FAILED);
	if (status < 200) {
		RETURN_LONG(emit_informational((int)status) == EPHPM_CLIENT_OK ? SAPI_HEADER_SENT_SUCCESSFULLY : SAPI_HEADER_SEND_FAILED);
	}
	SG(sapi_headers).http_response_code = (int)status;
	RETURN_LONG(sapi_send_headers() == SUCCESS ? SAPI_HEADER_SENT_SUCCESSFULLY : SAPI_HEADER_SEND_FAILED);
}

static void add_request_header(envelope_entry *e, void *headers) {
	sapi_add_request_header(e->key, e->key_len, (char *)e->value, e->value_len, headers);
}

/* php-fpm's getallheaders()/apache_request_headers(): the current request's headers, named as PHP
 * rebuilds them from the HTTP_* variables ("X-Forwarded-For"), plus Content-Type and Content-Length */
PHP_FUNCTION(ephpm_request_headers) {
	ZEND_PARSE_PARAMETERS_NONE();
	array_init(return_value);
	if (ctx && ctx->active) envelope_each(ctx->envelope, add_request_header, return_value);
}

PHP_FUNCTION(ephpm_worker_info) {
	ZEND_PARSE_PARAMETERS_NONE();
	array_init(return_value);
	add_assoc_long(return_value, "worker", ctx ? ctx->worker_id : -1);
	add_assoc_string(return_value, "mode", ctx && ctx->mode == MODE_WORKER ? "worker" : "classic");
	add_assoc_long(return_value, "requests", ctx ? (zend_long)ctx->requests : 0);
}

/* ---------------------------------------------------------------- tasks */

typedef struct {
	const char *payloads;
	int payloads_len;
	int wait_ms;
	const char *answer;
} run_tasks_call;

static void java_run_tasks(void *arg) {
	run_tasks_call *c = arg;
	c->answer = ctx->run_tasks(c->payloads, c->payloads_len, c->wait_ms);
}

/* The payloads in the format of ephpm.h, emalloc'ed; NULL (a TypeError thrown) when one is not a string. */
static char *pack_task_payloads(HashTable *payloads, size_t *length) {
	size_t size = 4;
	zval *payload;
	ZEND_HASH_FOREACH_VAL(payloads, payload) {
		ZVAL_DEREF(payload);
		if (Z_TYPE_P(payload) != IS_STRING) {
			zend_type_error("Each task payload must be a string, %s given", zend_zval_type_name(payload));
			return NULL;
		}
		if (Z_STRLEN_P(payload) > INT32_MAX - 8 || size + 4 + Z_STRLEN_P(payload) > INT32_MAX) {
			zend_value_error("The task payloads exceed 2 GB together");
			return NULL;
		}
		size += 4 + Z_STRLEN_P(payload);
	} ZEND_HASH_FOREACH_END();
	char *buffer = emalloc(size), *at = buffer;
	uint32_t count = zend_hash_num_elements(payloads);
	memcpy(at, &count, 4);
	at += 4;
	ZEND_HASH_FOREACH_VAL(payloads, payload) {
		ZVAL_DEREF(payload);
		uint32_t len = (uint32_t)Z_STRLEN_P(payload);
		memcpy(at, &len, 4);
		memcpy(at + 4, Z_STRVAL_P(payload), len);
		at += 4 + len;
	} ZEND_HASH_FOREACH_END();
	*length = size;
	return buffer;
}

/* Hands the payloads to Java, with the execution timer paused: waiting on other threads is not this script's CPU. */
static const char *call_run_tasks(HashTable *payloads, int wait_ms) {
	size_t length;
	char *packed = pack_task_payloads(payloads, &length);
	if (!packed) return NULL;
	run_tasks_call call = {packed, (int)length, wait_ms, NULL};
	bool reached = ephpm_call_java_waiting(java_run_tasks, &call);
	efree(packed);
	if (!reached) zend_throw_error(NULL, "ePHPm: no stack left to hand tasks over from this Fiber");
	return call.answer;
}

static void add_task_failure(zval *results, const char *message, uint32_t length) {
	zval failure;
	object_init_ex(&failure, spl_ce_RuntimeException);
	zend_string *text = zend_string_init(message, length, 0);
	zend_update_property_str(zend_ce_exception, Z_OBJ(failure), "message", sizeof("message") - 1, text);
	zend_string_release(text);
	add_next_index_zval(results, &failure);
}

/* Java's answer as a list: the output of each task, false for an unfinished one, a RuntimeException for a failed one. */
static void unpack_task_results(const char *answer, uint32_t expected, zval *results) {
	uint32_t count;
	memcpy(&count, answer, 4);
	answer += 4;
	array_init_size(results, expected);
	for (uint32_t i = 0; i < expected; i++) {
		if (i >= count) {
			add_next_index_bool(results, 0);
			continue;
		}
		uint32_t state, length;
		memcpy(&state, answer, 4);
		memcpy(&length, answer + 4, 4);
		const char *bytes = answer + 8;
		answer = bytes + length;
		if (state == EPHPM_TASK_DONE) add_next_index_stringl(results, bytes, length);
		else if (state == EPHPM_TASK_FAILED) add_task_failure(results, bytes, length);
		else add_next_index_bool(results, 0);
	}
}

PHP_FUNCTION(ephpm_run_tasks) {
	HashTable *payloads;
	zend_long wait_ms;
	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_ARRAY_HT(payloads)
		Z_PARAM_LONG(wait_ms)
	ZEND_PARSE_PARAMETERS_END();
	if (wait_ms < 0 || wait_ms > INT32_MAX) {
		zend_argument_value_error(2, "must be between 0 and %d", INT32_MAX);
		RETURN_THROWS();
	}
	if (!ctx || !ctx->run_tasks) RETURN_NULL();
	if (zend_hash_num_elements(payloads) == 0) RETURN_EMPTY_ARRAY();
	const char *answer = call_run_tasks(payloads, (int)wait_ms);
	if (EG(exception)) RETURN_THROWS();
	if (!answer) RETURN_NULL();
	unpack_task_results(answer, zend_hash_num_elements(payloads), return_value);
}

PHP_FUNCTION(ephpm_dispatch_tasks) {
	HashTable *payloads;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_ARRAY_HT(payloads)
	ZEND_PARSE_PARAMETERS_END();
	if (!ctx || !ctx->run_tasks) RETURN_FALSE;
	if (zend_hash_num_elements(payloads) == 0) RETURN_TRUE;
	const char *answer = call_run_tasks(payloads, -1);
	if (EG(exception)) RETURN_THROWS();
	RETURN_BOOL(answer != NULL);
}

void ephpm_thread_use_tasks(ephpm_run_tasks_fn run_tasks) {
	if (ctx) ctx->run_tasks = run_tasks;
}

static const zend_function_entry ephpm_functions[] = {
	EPHPM_FENTRY("Ephpm\\Worker\\take_request", zif_ephpm_take_request, arginfo_ephpm_take_request)
	EPHPM_FENTRY("Ephpm\\Worker\\finish_request", zif_ephpm_finish_request, arginfo_ephpm_finish_request)
	EPHPM_FENTRY("Ephpm\\Worker\\send_file", zif_ephpm_send_file, arginfo_ephpm_send_file)
	EPHPM_FENTRY("Ephpm\\Worker\\worker_info", zif_ephpm_worker_info, arginfo_ephpm_worker_info)
	EPHPM_FENTRY("Ephpm\\Worker\\run_tasks", zif_ephpm_run_tasks, arginfo_ephpm_run_tasks)
	EPHPM_FENTRY("Ephpm\\Worker\\dispatch_tasks", zif_ephpm_dispatch_tasks, arginfo_ephpm_dispatch_tasks)
	/* php-fpm's name for it, which Symfony's Response::send() and many apps call */
	EPHPM_FENTRY("fastcgi_finish_request", zif_ephpm_finish_request, arginfo_ephpm_finish_request)
	EPHPM_FENTRY("apache_request_headers", zif_ephpm_request_headers, arginfo_ephpm_request_headers)
	EPHPM_FENTRY("getallheaders", zif_ephpm_request_headers, arginfo_ephpm_request_headers)
	EPHPM_FENTRY("headers_send", zif_ephpm_headers_send, arginfo_ephpm_headers_send)
	/* FrankenPHP's worker API, so that worker scripts written for it run unchanged */
	EPHPM_FENTRY("frankenphp_handle_request", zif_ephpm_frankenphp_handle_request, arginfo_ephpm_frankenphp_handle_request)
	EPHPM_FENTRY("frankenphp_finish_request", zif_ephpm_finish_request, arginfo_ephpm_finish_request)
	EPHPM_FENTRY("frankenphp_request_headers", zif_ephpm_request_headers, arginfo_ephpm_request_headers)
	EPHPM_FENTRY("frankenphp_response_headers", zif_ephpm_response_headers, arginfo_ephpm_request_headers)
	EPHPM_FENTRY("apache_response_headers", zif_ephpm_response_headers, arginfo_ephpm_request_headers)
	ZEND_FE_END
};

static PHP_MINFO_FUNCTION(ephpm) {
	php_info_print_table_start();
	php_info_print_table_row(2, "ePHPm SAPI", "enabled");
	php_info_print_table_end();
}

/* Runs before PHP copies its function table for each thread, so every thread gets these. */
static PHP_MINIT_FUNCTION(ephpm) {
	replace_function("getenv", zif_ephpm_getenv);
	replace_function("putenv", zif_ephpm_putenv);
	bound_time_limits();
	zend_observer_fiber_switch_register(remember_main_stack);
	ephpm_table_minit();
	return SUCCESS;
}

static zend_module_entry ephpm_module_entry = {
	STANDARD_MODULE_HEADER,
	"ephpm",
	ephpm_functions,
	PHP_MINIT(ephpm), NULL, NULL, NULL,
	PHP_MINFO(ephpm),
	"0.1.0",
	STANDARD_MODULE_PROPERTIES
};

static int sapi_ephpm_startup(sapi_module_struct *module) {
	return php_module_startup(module, &ephpm_module_entry);
}

/* ---------------------------------------------------------------- runtime */

static void put_env(HashTable *table, const char *name, size_t name_len, const char *value, size_t value_len) {
	zval v;
	ZVAL_STR(&v, zend_string_init(value, value_len, 1));
	zend_hash_str_update(table, name, name_len, &v);
}

static void load_env_block(const char *block, int len) {
	zend_hash_init(&configured_env, 16, NULL, ZVAL_INTERNAL_PTR_DTOR, 1);
	const char *p = block, *end = block + (len > 0 ? len : 0);
	while (p && p < end) {
		size_t n = strnlen(p, end - p);
		const char *eq = memchr(p, '=', n);
		if (eq && eq > p) put_env(&configured_env, p, eq - p, eq + 1, n - (eq - p) - 1);
		p += n + 1;
	}
}

/* SQLite's stable configuration options (sqlite3.h), named here to need no SQLite headers. */
#define SQLITE_CONFIG_MULTITHREAD 2
#define SQLITE_CONFIG_MEMSTATUS 9

/* pdo_sqlite and sqlite3 use the system SQLite, which by default counts every allocation under
 * one process-wide mutex and locks a mutex per connection call: PHP threads of one process then
 * queue on each other, as php-fpm's single-threaded workers never do. No connection is ever shared
 * between PHP threads (persistent ones included: they are per thread), so SQLite's multi-thread
 * mode is safe. Must run before SQLite initialises, that is before PHP's extensions start. */
static void tune_sqlite(void) {
	void *sqlite = dlopen("libsqlite3.so.0", RTLD_NOW | RTLD_NOLOAD);
	if (!sqlite) return;
	int (*config)(int, ...) = (int (*)(int, ...))dlsym(sqlite, "sqlite3_config");
	if (config && (config(SQLITE_CONFIG_MULTITHREAD) != 0 || config(SQLITE_CONFIG_MEMSTATUS, 0) != 0)) {
		log_line(LOG_WARNING, "SQLite was initialised before PHP started; it stays in its serialised mode");
	}
	dlclose(sqlite);
}

/* Each PHP thread's execution timer exists from ts_resource() on (zend_new_thread_end_handler) and is
 * armed as soon as max_execution_time is set, as a request starts; PHP installs the handler of the
 * timer's signal (SIGRTMIN) only later, in php_request_startup after it has read a form body. A slow
 * body on the first requests let the timer fire with no handler installed, and the signal's default
 * action ended the JVM. The handler is process-wide: install it once, before any PHP thread exists. */
static void install_timeout_handler(void) {
#ifdef ZEND_MAX_EXECUTION_TIMERS
	zend_try { zend_set_timeout(0, 1); } zend_end_try();
	struct sigaction installed;
	if (sigaction(SIGRTMIN, NULL, &installed) != 0 || !(installed.sa_flags & SA_SIGINFO)) {
		log_line(LOG_ERR, "PHP's execution-timer signal handler is not installed; max_execution_time could end the process");
	}
#endif
}

/* Java compares the PHP headers of the build it loads with those this library was compiled with; a
 * libphp without headers is checked here, before Zend runs: Zend's structures differ between minor
 * versions, and a mismatch corrupts memory. php_version_id() exists from PHP 8.4 on (if not before). */
static bool loaded_libphp_matches(void) {
	unsigned int (*version_id)(void) = (unsigned int (*)(void))dlsym(RTLD_DEFAULT, "php_version_id");
	if (version_id) return version_id() / 100 == PHP_VERSION_ID / 100;
	return PHP_VERSION_ID < 80400;
}

int ephpm_runtime_start(const char *ini_path, const char *ini_entries, const char *env_block, int env_len) {
	pthread_mutex_lock(&runtime_lock);
	if (runtime_state != 0) {
		int state = runtime_state;
		pthread_mutex_unlock(&runtime_lock);
		return state == 1 ? 1 : -1;
	}
	if (!loaded_libphp_matches()) {
		snprintf(startup_error, sizeof startup_error, "libephpm was compiled for PHP %s, and the libphp loaded is another PHP "
			"version; build the jar against that libphp, or load the one it was built for", PHP_VERSION);
		runtime_state = -1;
		pthread_mutex_unlock(&runtime_lock);
		return -1;
	}
	tune_sqlite();
	php_tsrm_startup();
	ZEND_TSRMLS_CACHE_UPDATE();
	sapi_startup(&ephpm_sapi_module);
	if (ini_path && *ini_path) ephpm_sapi_module.php_ini_path_override = strdup(ini_path);
	else ephpm_sapi_module.php_ini_ignore = 1;
	ephpm_sapi_module.ini_entries = ini_entries ? strdup(ini_entries) : NULL;
	ephpm_sapi_module.phpinfo_as_text = 0;
	load_env_block(env_block, env_len);
	php_import_environment_variables = import_configured_env;

	if (ephpm_sapi_module.startup(&ephpm_sapi_module) == FAILURE) {
		snprintf(startup_error, sizeof startup_error, "php_module_startup failed (see the log for PHP's startup errors)");
		runtime_state = -1;
		pthread_mutex_unlock(&runtime_lock);
		return -1;
	}
	original_error_cb = zend_error_cb;
	zend_error_cb = ephpm_error_cb;
#if PHP_VERSION_ID < 80300
	ephpm_call_stack_exhausted = ephpm_call_stack_exhausted_here;
#endif
	init_opcache_restarts();
	observe_exit();
	SG(request_info).no_headers = 0;
	install_timeout_handler();

	snprintf(runtime_description, sizeof runtime_description, "%s;zts=%d;timers=%d", PHP_VERSION,
#ifdef ZTS
	         1,
#else
	         0,
#endif
#ifdef ZEND_MAX_EXECUTION_TIMERS
	         1
#else
	         0
#endif
	);
	runtime_state = 1;
	pthread_mutex_unlock(&runtime_lock);
	return 0;
}

const char *ephpm_startup_error(void) { return startup_error; }

/* ---------------------------------------------------------------- interrupting a PHP thread */

/* The PHP threads, for another thread to interrupt one by its token; the lock keeps an entry (and so
 * its pthread) alive while it is signalled. */
struct live_thread {
	int64_t token;
	pthread_t thread;
	void *timer;
	struct live_thread *next;
};
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static struct live_thread *live_threads;
static int64_t last_token;

static void register_live_thread(void) {
	struct live_thread *t = calloc(1, sizeof *t);
	t->thread = pthread_self();
#ifdef ZEND_MAX_EXECUTION_TIMERS
	t->timer = &EG(max_execution_timer_timer);
#endif
	pthread_mutex_lock(&live_lock);
	t->token = ++last_token;
	t->next = live_threads;
	live_threads = t;
	pthread_mutex_unlock(&live_lock);
	ctx->live = t;
}

static void unregister_live_thread(void) {
	pthread_mutex_lock(&live_lock);
	for (struct live_thread **p = &live_threads; *p; p = &(*p)->next) {
		if (*p == ctx->live) {
			*p = ctx->live->next;
			break;
		}
	}
	pthread_mutex_unlock(&live_lock);
	free(ctx->live);
	ctx->live = NULL;
}

int64_t ephpm_thread_token(void) { return ctx && ctx->live ? ctx->live->token : 0; }

/* What PHP's own timer does when max_execution_time runs out, on demand: the signal marks the thread's
 * executor as timed out, and a blocking call (sleep(), a socket read) returns early with EINTR. The
 * request then ends with PHP's "Maximum execution time" error. */
int ephpm_thread_interrupt(int64_t token) {
	int sent = 0;
#ifdef ZEND_MAX_EXECUTION_TIMERS
	pthread_mutex_lock(&live_lock);
	for (struct live_thread *t = live_threads; t; t = t->next) {
		if (t->token == token) {
			sent = pthread_sigqueue(t->thread, SIGRTMIN, (union sigval){.sival_ptr = t->timer}) == 0;
			break;
		}
	}
	pthread_mutex_unlock(&live_lock);
#endif
	return sent;
}
const char *ephpm_runtime_describe(void) { return runtime_description; }
/* What the runtime started with, so that a later start asking for other startup-only settings is refused. */
const char *ephpm_runtime_ini_entries(void) { return runtime_state == 1 && ephpm_sapi_module.ini_entries ? ephpm_sapi_module.ini_entries : ""; }
const char *ephpm_runtime_ini_path(void) { return runtime_state == 1 && ephpm_sapi_module.php_ini_path_override ? ephpm_sapi_module.php_ini_path_override : ""; }

static void add_thread_env(envelope_entry *e, void *table) {
	put_env((HashTable *)table, e->key, e->key_len, e->value, e->value_len);
}

int ephpm_thread_attach(int worker_id, const char *ini, const char *env, ephpm_next_request_fn next_request, ephpm_emit_fn emit_fn,
                        ephpm_read_body_fn read_body, ephpm_log_fn log) {
	if (runtime_state != 1) return -1;
	if (ctx) return 0;
	(void)ts_resource(0);
	ZEND_TSRMLS_CACHE_UPDATE();
	ctx = calloc(1, sizeof *ctx);
	ctx->worker_id = worker_id;
	ctx->ini = ini;
	ctx->next_request = next_request;
	ctx->emit = emit_fn;
	ctx->read_body = read_body;
	ctx->log = log;
	ctx->out = malloc(OUT_CAPACITY);
	zend_hash_init(&ctx->env_sandbox, 8, NULL, sandbox_value_dtor, 1);
	zend_hash_init(&ctx->env, 16, NULL, ZVAL_INTERNAL_PTR_DTOR, 1);
	zend_string *name;
	zval *value;
	ZEND_HASH_FOREACH_STR_KEY_VAL(&configured_env, name, value) {
		put_env(&ctx->env, ZSTR_VAL(name), ZSTR_LEN(name), Z_STRVAL_P(value), Z_STRLEN_P(value));
	} ZEND_HASH_FOREACH_END();
	envelope_each(env, add_thread_env, &ctx->env);
	set_stack_limit();
	register_live_thread();
	return 0;
}

void ephpm_thread_detach(void) {
	if (!ctx) return;
	ephpm_table_thread_detach();
	unregister_live_thread();
	zend_hash_destroy(&ctx->env_sandbox);
	zend_hash_destroy(&ctx->env);
	free(ctx->out);
	free(ctx->hdr);
	free(ctx);
	ctx = NULL;
	ts_free_thread();
}

static void begin_execution(int mode) {
	ctx->mode = mode;
	ctx->requests = mode == MODE_WORKER ? 0 : ctx->requests;
	ctx->took_first = 0;
	ctx->stop_requested = 0;
	ctx->in_handler = 0;
	ctx->script_done = 0;
	zend_hash_clean(&ctx->env_sandbox);
}

static void apply_ini_entry(envelope_entry *e, void *unused) {
	(void)unused;
	zend_string *name = zend_string_init(e->key, e->key_len, 0);
	int level = PHP_INI_SYSTEM;
	if (zend_string_equals_literal(name, "max_execution_time")) {
		/* the ceiling; the script may ask for less, or for more up to it (set_time_limit()) */
		ctx->time_ceiling = ZEND_STRTOL(e->value, NULL, 10);
		level = PHP_INI_PERDIR;
	}
	zend_result result = zend_alter_ini_entry_chars_ex(name, e->value, e->value_len, level, PHP_INI_STAGE_ACTIVATE, 0);
	zend_string_release(name);
	if (result == FAILURE) {
		char line[512];
		snprintf(line, sizeof line, "php.ini override %s=%s was refused (unknown setting, or not changeable per request)",
		         e->key, e->value);
		log_line(LOG_WARNING, line);
	}
}

static int run_script(const char *path) {
	int bailed_out = 0;
	zend_first_try {
		/* like php_admin_value in a php-fpm pool: applied as the request starts, undone as it ends */
		envelope_each(ctx->ini, apply_ini_entry, NULL);
		start_ceiling();
		ctx->in_startup = ctx->mode == MODE_CLASSIC;
		int startup = php_request_startup();
		opcache_restart_done();
		ctx->in_startup = 0;
		if (startup == FAILURE) {
			bailed_out = -1;
		} else if (ctx->reject_status) {
			answer_rejected();
		} else {
			/* a client that leaves must not end a worker script: its output is dropped instead */
			if (ctx->mode == MODE_WORKER) PG(ignore_user_abort) = 1;
			zend_file_handle file;
			zend_stream_init_filename(&file, path);
			file.primary_script = 1;
			php_execute_script(&file);
			zend_destroy_file_handle(&file);
		}
	} zend_catch {
		bailed_out = 1;
	} zend_end_try();
	return bailed_out;
}

static void shutdown_request(void) {
	zend_try { php_request_shutdown(NULL); } zend_end_try();
	clear_request_info();
	SG(server_context) = NULL;
}

int ephpm_execute_classic(const char *envelope) {
	if (!ctx) return EPHPM_NOT_ATTACHED;
	begin_execution(MODE_CLASSIC);
	reset_response();
	set_request_info(envelope);
	const char *script = SG(request_info).path_translated;
	enter_php();
	int ran = run_script(script ? script : "");
	int outcome = ran < 0 ? EPHPM_STARTUP_FAILED : classify_outcome(ran);
	shutdown_request();
	int opcache = leave_php();
	finish_response(outcome);
	ctx->active = 0;
	ctx->requests++;
	zend_hash_clean(&ctx->env_sandbox);
	return outcome | opcache;
}

int ephpm_worker_run(const char *script, const char *boot_envelope) {
	if (!ctx) return EPHPM_NOT_ATTACHED;
	begin_execution(MODE_WORKER);
	ctx->active = 0;
	ctx->exit_called = 0;
	ctx->fatal_type = 0;
	ctx->last_error[0] = '\0';
	ctx->boot_envelope = boot_envelope;
	set_request_info(boot_envelope);
	enter_php();
	int ran = run_script(script);
	ctx->script_done = 1;
	int outcome = ran < 0 ? EPHPM_STARTUP_FAILED : classify_outcome(ran);
	forget_boot_state();
	shutdown_request();
	leave_php();
	/* a script that returns normally has answered its open request in full; only the worker ends */
	finish_response(outcome);
	ctx->active = 0;
	zend_hash_clean(&ctx->env_sandbox);
	ctx->boot_envelope = NULL;
	if (outcome == EPHPM_OK && !ctx->stop_requested) outcome = EPHPM_SCRIPT_ENDED;
	if (!ctx->took_first && outcome != EPHPM_STARTUP_FAILED && !ctx->stop_requested) outcome = EPHPM_BOOT_FAILED;
	return outcome;
}

const char *ephpm_last_error(void) { return ctx ? ctx->last_error : ""; }
int64_t ephpm_memory_usage(void) { return ctx ? (int64_t)zend_memory_usage(1) : 0; }
