/*
 * Ephpm\Table: Swoole\Table's API over rows kept in plain process memory, so that every PHP thread
 * of an app reads and writes the same rows without a call into Java.
 *
 * Layout: a fixed array of rows (declared count x row size, allocated at create()), chained into
 * hash buckets; each bucket is guarded by one of TABLE_STRIPES mutexes, and free rows are kept on
 * a list of their own. A row holds its key and then its columns, each at a fixed offset.
 *
 * Nothing that can leave by a bailout (emalloc at the memory limit, a warning turned into an
 * exception) runs while a lock is held: values are converted before a row is locked, and rows are
 * copied out under the lock and turned into PHP values after it.
 */
#define _GNU_SOURCE
#define ZEND_ENABLE_STATIC_TSRMLS_CACHE 1

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "php.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "zend_smart_str.h"

#include "ephpm.h"
#include "ephpm_table.h"

ZEND_TSRMLS_CACHE_EXTERN()

#define TABLE_KEY_MAX 256
#define TABLE_COLUMN_NAME_MAX 64
#define TABLE_COLUMNS_MAX 64
#define TABLE_STRIPES 256
#define TABLE_ROWS_MAX (1u << 28)
#define TABLE_STRING_MAX (16u << 20)
#define TABLE_ROW_COPY_ON_STACK 8192

enum { TYPE_INT = 1, TYPE_FLOAT = 2, TYPE_STRING = 3 };

typedef struct {
	char name[TABLE_COLUMN_NAME_MAX];
	uint32_t name_len;
	uint32_t type;
	uint32_t size;   /* string: the most bytes a value may have */
	uint32_t offset; /* from the start of the row's column data */
} table_column;

typedef struct table_space table_space;

/* A stripe's mutex on a cache line of its own: threads locking neighbouring stripes do not contend. */
typedef struct {
	pthread_mutex_t lock;
} __attribute__((aligned(64))) stripe_lock;

typedef struct table {
	atomic_int refs;
	table_space *space;        /* the space whose memory it counts in, or NULL */
	char *name;                /* the shared name, or NULL for a table of one object */
	size_t name_len;
	uint32_t rows;
	uint32_t ncols;
	table_column cols[TABLE_COLUMNS_MAX];
	size_t row_size;
	size_t data_size;          /* column data of one row */
	uint32_t bucket_mask;
	uint32_t *buckets;         /* row index + 1 of the chain's first row; 0: empty */
	char *data;
	size_t memory;
	stripe_lock stripes[TABLE_STRIPES];
	pthread_mutex_t free_lock;
	uint32_t free_head;        /* row index + 1; 0: none freed */
	uint32_t never_used;       /* rows from here on were never handed out */
	atomic_uint count;
	bool replicated;           /* a shared table of a space with a replicator: writes go through the cluster */
	struct table *next_shared;
} table;

typedef struct {
	uint32_t next;             /* row index + 1: the next row of the chain, or of the free list */
	_Atomic uint32_t hash;
	_Atomic uint32_t used;
	uint32_t key_len;
	uint64_t version;          /* the cluster's version of the row; 0 in a table that is not replicated */
	char key[TABLE_KEY_MAX];
} row_header;

#define ROW_DATA_OFFSET ((sizeof(row_header) + 7) & ~(size_t)7)

struct table_space {
	atomic_int refs;
	pthread_mutex_t lock;
	table *shared;             /* named tables, each holding one reference of the space's */
	atomic_llong memory;
	atomic_int tables;
	long long limit;           /* the most bytes its tables may hold; 0: no limit */
	ephpm_table_write_fn write; /* set before any thread uses the space: its shared tables are replicated */
	ephpm_table_opened_fn opened;
};

static __thread table_space *thread_space;

/* ---------------------------------------------------------------- spaces */

static void space_release(table_space *space) {
	if (space && atomic_fetch_sub(&space->refs, 1) == 1) {
		pthread_mutex_destroy(&space->lock);
		free(space);
	}
}

int64_t ephpm_tables_new(int64_t limit) {
	table_space *space = calloc(1, sizeof *space);
	if (!space) return 0;
	space->limit = limit > 0 ? limit : 0;
	atomic_init(&space->refs, 1);
	pthread_mutex_init(&space->lock, NULL);
	return (int64_t)(intptr_t)space;
}

int64_t ephpm_tables_memory(int64_t handle) {
	table_space *space = (table_space *)(intptr_t)handle;
	return space ? atomic_load(&space->memory) : 0;
}

int ephpm_tables_count(int64_t handle) {
	table_space *space = (table_space *)(intptr_t)handle;
	return space ? atomic_load(&space->tables) : 0;
}

void ephpm_thread_use_tables(int64_t handle) {
	table_space *space = (table_space *)(intptr_t)handle;
	if (space) atomic_fetch_add(&space->refs, 1);
	space_release(thread_space);
	thread_space = space;
}

void ephpm_table_thread_detach(void) {
	space_release(thread_space);
	thread_space = NULL;
}

/* ---------------------------------------------------------------- tables */

static void table_release(table *t) {
	if (!t || atomic_fetch_sub(&t->refs, 1) != 1) return;
	if (t->space) {
		atomic_fetch_sub(&t->space->memory, (long long)t->memory);
		atomic_fetch_sub(&t->space->tables, 1);
		space_release(t->space);
	}
	for (int i = 0; i < TABLE_STRIPES; i++) pthread_mutex_destroy(&t->stripes[i].lock);
	pthread_mutex_destroy(&t->free_lock);
	free(t->buckets);
	free(t->data);
	free(t->name);
	free(t);
}

void ephpm_tables_release(int64_t handle) {
	table_space *space = (table_space *)(intptr_t)handle;
	if (!space) return;
	pthread_mutex_lock(&space->lock);
	table *shared = space->shared;
	space->shared = NULL;
	pthread_mutex_unlock(&space->lock);
	while (shared) {
		table *next = shared->next_shared;
		table_release(shared);
		shared = next;
	}
	space_release(space);
}

static __thread char table_error[512];

/* A table with these columns and rows, or NULL with *error set. */
static table *table_new(uint32_t rows, const table_column *cols, uint32_t ncols, table_space *space, const char **error) {
	size_t table_size = (sizeof(table) + 63) & ~(size_t)63;
	table *t = aligned_alloc(64, table_size); /* its stripe locks each on a cache line */
	if (!t) { *error = "out of memory"; return NULL; }
	memset(t, 0, table_size);
	t->rows = rows;
	t->ncols = ncols;
	memcpy(t->cols, cols, ncols * sizeof *cols);
	size_t offset = 0;
	for (uint32_t i = 0; i < ncols; i++) {
		t->cols[i].offset = (uint32_t)offset;
		size_t width = t->cols[i].type == TYPE_STRING ? sizeof(uint32_t) + t->cols[i].size : 8;
		offset += (width + 7) & ~(size_t)7;
	}
	t->data_size = offset;
	t->row_size = ROW_DATA_OFFSET + offset;
	uint32_t buckets = 256;
	while (buckets < rows) buckets <<= 1;
	t->bucket_mask = buckets - 1;
	if (t->row_size > SIZE_MAX / rows) { free(t); *error = "rows x row size overflows"; return NULL; }
	t->memory = sizeof *t + (size_t)rows * t->row_size + buckets * sizeof *t->buckets;
	/* counted before it is allocated, so that two threads cannot both pass the limit */
	if (space) {
		long long after = atomic_fetch_add(&space->memory, (long long)t->memory) + (long long)t->memory;
		if (space->limit && after > space->limit) {
			atomic_fetch_sub(&space->memory, (long long)t->memory);
			snprintf(table_error, sizeof table_error, "the app's tables would hold %lld bytes, over its table-memory of %lld",
				after, space->limit);
			free(t);
			*error = table_error;
			return NULL;
		}
	}
	t->data = calloc(rows, t->row_size);
	t->buckets = calloc(buckets, sizeof *t->buckets);
	if (!t->data || !t->buckets) {
		if (space) atomic_fetch_sub(&space->memory, (long long)t->memory);
		free(t->data);
		free(t->buckets);
		free(t);
		*error = "out of memory for its rows";
		return NULL;
	}
	for (int i = 0; i < TABLE_STRIPES; i++) pthread_mutex_init(&t->stripes[i].lock, NULL);
	pthread_mutex_init(&t->free_lock, NULL);
	atomic_init(&t->refs, 1);
	if (space) {
		atomic_fetch_add(&space->refs, 1);
		atomic_fetch_add(&space->tables, 1);
		t->space = space;
	}
	return t;
}

static inline row_header *row_at(table *t, uint32_t index) {
	return (row_header *)(t->data + (size_t)index * t->row_size);
}

static inline char *row_data(row_header *row) {
	return (char *)row + ROW_DATA_OFFSET;
}

static inline uint32_t key_hash(const char *key, size_t len) {
	/* FNV-1a */
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)key[i]) * 16777619u;
	return h;
}

static inline pthread_mutex_t *stripe_of(table *t, uint32_t hash) {
	return &t->stripes[(hash & t->bucket_mask) & (TABLE_STRIPES - 1)].lock;
}

/* The row with this key (index + 1), or 0; *link is where the chain points at it. The stripe is held. */
static uint32_t find_row(table *t, uint32_t hash, const char *key, size_t len, uint32_t **link) {
	uint32_t *at = &t->buckets[hash & t->bucket_mask];
	while (*at) {
		row_header *row = row_at(t, *at - 1);
		if (atomic_load_explicit(&row->hash, memory_order_relaxed) == hash && row->key_len == len && memcmp(row->key, key, len) == 0) {
			if (link) *link = at;
			return *at;
		}
		at = &row->next;
	}
	return 0;
}

static uint32_t take_free_row(table *t) {
	uint32_t found = 0;
	pthread_mutex_lock(&t->free_lock);
	if (t->free_head) {
		found = t->free_head;
		t->free_head = row_at(t, found - 1)->next;
	} else if (t->never_used < t->rows) {
		found = ++t->never_used;
	}
	pthread_mutex_unlock(&t->free_lock);
	return found;
}

static void give_back_row(table *t, uint32_t index1) {
	pthread_mutex_lock(&t->free_lock);
	row_at(t, index1 - 1)->next = t->free_head;
	t->free_head = index1;
	pthread_mutex_unlock(&t->free_lock);
}

/* Finds the key's row or makes it (zeroed columns); 0 when the table is full. The stripe is held. */
static uint32_t find_or_add_row(table *t, uint32_t hash, const char *key, size_t len) {
	uint32_t found = find_row(t, hash, key, len, NULL);
	if (found) return found;
	found = take_free_row(t);
	if (!found) return 0;
	row_header *row = row_at(t, found - 1);
	memset(row_data(row), 0, t->data_size);
	memcpy(row->key, key, len);
	row->key_len = (uint32_t)len;
	row->version = 0;
	atomic_store(&row->hash, hash);
	uint32_t *head = &t->buckets[hash & t->bucket_mask];
	row->next = *head;
	*head = found;
	atomic_store(&row->used, 1);
	atomic_fetch_add(&t->count, 1);
	return found;
}

static const table_column *column_named(const table *t, const char *name, size_t len) {
	for (uint32_t i = 0; i < t->ncols; i++) {
		if (t->cols[i].name_len == len && memcmp(t->cols[i].name, name, len) == 0) return &t->cols[i];
	}
	return NULL;
}

static bool same_layout(const table *t, uint32_t rows, const table_column *cols, uint32_t ncols) {
	if (t->rows != rows || t->ncols != ncols) return false;
	for (uint32_t i = 0; i < ncols; i++) {
		if (t->cols[i].type != cols[i].type || t->cols[i].name_len != cols[i].name_len
			|| memcmp(t->cols[i].name, cols[i].name, cols[i].name_len) != 0
			|| (cols[i].type == TYPE_STRING && t->cols[i].size != cols[i].size)) return false;
	}
	return true;
}

/* ---------------------------------------------------------------- PHP values from a row copy */

/* Copies a row's columns, a string column only as far as its value goes. */
static void copy_row(const table *t, char *to, const char *from) {
	for (uint32_t i = 0; i < t->ncols; i++) {
		const table_column *col = &t->cols[i];
		if (col->type == TYPE_STRING) {
			uint32_t len;
			memcpy(&len, from + col->offset, sizeof len);
			if (len > col->size) len = col->size;
			memcpy(to + col->offset, from + col->offset, sizeof len + len);
		} else {
			memcpy(to + col->offset, from + col->offset, 8);
		}
	}
}

static void column_value(const table_column *col, const char *data, zval *out) {
	const char *at = data + col->offset;
	switch (col->type) {
	case TYPE_INT: { int64_t v; memcpy(&v, at, sizeof v); ZVAL_LONG(out, (zend_long)v); break; }
	case TYPE_FLOAT: { double v; memcpy(&v, at, sizeof v); ZVAL_DOUBLE(out, v); break; }
	default: {
		uint32_t len;
		memcpy(&len, at, sizeof len);
		if (len > col->size) len = col->size;
		ZVAL_STRINGL(out, at + sizeof len, len);
	}
	}
}

static void row_array(const table *t, const char *data, zval *out) {
	array_init_size(out, t->ncols);
	for (uint32_t i = 0; i < t->ncols; i++) {
		zval v;
		column_value(&t->cols[i], data, &v);
		zend_symtable_str_update(Z_ARRVAL_P(out), t->cols[i].name, t->cols[i].name_len, &v);
	}
}

/* ---------------------------------------------------------------- replication */

/* A row as it travels (ephpm.h) into the table's row layout; false when it is not one of this table's. */
static bool decode_wire_row(const table *t, const char *row, size_t len, char *data) {
	memset(data, 0, t->data_size);
	size_t at = 0;
	for (uint32_t i = 0; i < t->ncols; i++) {
		const table_column *col = &t->cols[i];
		if (col->type == TYPE_STRING) {
			uint32_t n;
			if (len - at < sizeof n) return false;
			memcpy(&n, row + at, sizeof n);
			at += sizeof n;
			if (n > col->size || len - at < n) return false;
			memcpy(data + col->offset, &n, sizeof n);
			memcpy(data + col->offset + sizeof n, row + at, n);
			at += n;
		} else {
			if (len - at < 8) return false;
			memcpy(data + col->offset, row + at, 8);
			at += 8;
		}
	}
	return at == len;
}

/* One column of a row as it travels, as a PHP value; false when the row is too short. */
static bool wire_column_value(const table *t, const char *row, size_t len, const table_column *want, zval *out) {
	size_t at = 0;
	for (uint32_t i = 0; i < t->ncols; i++) {
		const table_column *col = &t->cols[i];
		size_t width = 8;
		if (col->type == TYPE_STRING) {
			uint32_t n;
			if (len - at < sizeof n) return false;
			memcpy(&n, row + at, sizeof n);
			width = sizeof n + n;
		}
		if (len - at < width) return false;
		if (col == want) {
			if (col->type == TYPE_INT) { int64_t v; memcpy(&v, row + at, 8); ZVAL_LONG(out, (zend_long)v); }
			else if (col->type == TYPE_FLOAT) { double v; memcpy(&v, row + at, 8); ZVAL_DOUBLE(out, v); }
			else ZVAL_STRINGL(out, row + at + sizeof(uint32_t), width - sizeof(uint32_t));
			return true;
		}
		at += width;
	}
	return false;
}

/* Puts the cluster's row (NULL: its removal) in place unless the row here is newer; see ephpm_table_apply. */
static int apply_row(table *t, const char *key, size_t key_len, uint64_t version, const char *row, size_t row_len, bool force) {
	if (key_len >= TABLE_KEY_MAX) return -1;
	char on_stack[TABLE_ROW_COPY_ON_STACK];
	char *data = NULL;
	if (row) {
		data = t->data_size <= sizeof on_stack ? on_stack : malloc(t->data_size);
		if (!data) return 2;
		if (!decode_wire_row(t, row, row_len, data)) {
			if (data != on_stack) free(data);
			return -1;
		}
	}
	int result = 0;
	uint32_t removed = 0;
	uint32_t hash = key_hash(key, key_len);
	pthread_mutex_t *stripe = stripe_of(t, hash);
	uint32_t *link = NULL;
	pthread_mutex_lock(stripe);
	uint32_t found = find_row(t, hash, key, key_len, &link);
	if (data) {
		if (found && !force && row_at(t, found - 1)->version >= version) {
			result = 1;
		} else {
			if (!found) found = find_or_add_row(t, hash, key, key_len);
			if (found) {
				row_header *at = row_at(t, found - 1);
				memcpy(row_data(at), data, t->data_size);
				at->version = version;
			} else {
				result = 2;
			}
		}
	} else if (found) {
		row_header *at = row_at(t, found - 1);
		if (force || at->version <= version) {
			*link = at->next;
			atomic_store(&at->used, 0);
			atomic_fetch_sub(&t->count, 1);
			removed = found;
		} else {
			result = 1;
		}
	}
	pthread_mutex_unlock(stripe);
	if (removed) give_back_row(t, removed);
	if (data && data != on_stack) free(data);
	return result;
}

void ephpm_tables_replicate(int64_t handle, ephpm_table_write_fn write, ephpm_table_opened_fn opened) {
	table_space *space = (table_space *)(intptr_t)handle;
	if (!space) return;
	pthread_mutex_lock(&space->lock);
	space->write = write;
	space->opened = opened;
	pthread_mutex_unlock(&space->lock);
}

void ephpm_table_retain(int64_t handle) {
	table *t = (table *)(intptr_t)handle;
	if (t) atomic_fetch_add(&t->refs, 1);
}

void ephpm_table_unref(int64_t handle) {
	table_release((table *)(intptr_t)handle);
}

int ephpm_table_layout(int64_t handle, char *buffer, int capacity) {
	table *t = (table *)(intptr_t)handle;
	if (!t) return 0;
	uint32_t name_len = (uint32_t)t->name_len;
	size_t need = 4 + name_len + 8;
	for (uint32_t i = 0; i < t->ncols; i++) need += 12 + t->cols[i].name_len;
	if (buffer && capacity >= 0 && need <= (size_t)capacity) {
		char *at = buffer;
		memcpy(at, &name_len, 4);
		if (name_len) memcpy(at + 4, t->name, name_len);
		at += 4 + name_len;
		memcpy(at, &t->rows, 4);
		memcpy(at + 4, &t->ncols, 4);
		at += 8;
		for (uint32_t i = 0; i < t->ncols; i++) {
			memcpy(at, &t->cols[i].type, 4);
			memcpy(at + 4, &t->cols[i].size, 4);
			memcpy(at + 8, &t->cols[i].name_len, 4);
			memcpy(at + 12, t->cols[i].name, t->cols[i].name_len);
			at += 12 + t->cols[i].name_len;
		}
	}
	return (int)need;
}

int ephpm_table_apply(int64_t handle, const char *key, int key_len, int64_t version, const char *row, int row_len, int force) {
	table *t = (table *)(intptr_t)handle;
	if (!t || !key || key_len < 0 || row_len < 0) return -1;
	return apply_row(t, key, (size_t)key_len, (uint64_t)version, row, (size_t)row_len, force != 0);
}

void ephpm_table_clear(int64_t handle) {
	table *t = (table *)(intptr_t)handle;
	if (!t) return;
	uint32_t limit;
	pthread_mutex_lock(&t->free_lock);
	limit = t->never_used;
	pthread_mutex_unlock(&t->free_lock);
	for (uint32_t i = 0; i < limit; i++) {
		row_header *row = row_at(t, i);
		if (!atomic_load(&row->used)) continue;
		uint32_t hash = atomic_load(&row->hash);
		pthread_mutex_t *stripe = stripe_of(t, hash);
		uint32_t *link = NULL;
		uint32_t removed = 0;
		pthread_mutex_lock(stripe);
		if (atomic_load(&row->used) && atomic_load(&row->hash) == hash
			&& find_row(t, hash, row->key, row->key_len, &link) == i + 1) {
			*link = row->next;
			atomic_store(&row->used, 0);
			atomic_fetch_sub(&t->count, 1);
			removed = i + 1;
		}
		pthread_mutex_unlock(stripe);
		if (removed) give_back_row(t, removed);
	}
}

/* A write on its way to the cluster, in the request format of ephpm.h. */
static void request_begin(smart_str *request, uint8_t op, zend_string *key) {
	uint32_t len = (uint32_t)ZSTR_LEN(key);
	smart_str_appendc(request, (char)op);
	smart_str_appendl(request, (const char *)&len, sizeof len);
	smart_str_append(request, key);
}

static void request_u32(smart_str *request, uint32_t value) {
	smart_str_appendl(request, (const char *)&value, sizeof value);
}

typedef struct {
	uint32_t state;
	uint64_t version;
	const char *row;
	uint32_t row_len;
	bool full_here;            /* the cluster holds the row, and this node's copy has no room for it */
} write_answer;

typedef struct {
	table *t;
	const char *request;
	size_t length;
	const char *answer;
} table_write_call;

static void java_table_write(void *arg) {
	table_write_call *c = arg;
	c->answer = c->t->space->write((int64_t)(intptr_t)c->t, c->request, (int)c->length);
}

static void throw_cluster_error(const table *t, const char *what, size_t len) {
	zend_throw_error(NULL, "Ephpm\\Table '%.*s' is replicated and its write failed: %.*s", (int)t->name_len, t->name, (int)len, what);
}

/* Makes the write on the cluster and applies what it answers here; false with a PHP Error thrown
 * when it failed. This node's copy full is a warning and answer->full_here. */
static bool replicate(table *t, zend_string *key, smart_str *request, write_answer *answer) {
	smart_str_0(request);
	if (ZSTR_LEN(request->s) > INT32_MAX) {
		throw_cluster_error(t, "the write is over 2 GB", 22);
		return false;
	}
	table_write_call call = {t, ZSTR_VAL(request->s), ZSTR_LEN(request->s), NULL};
	if (!ephpm_call_java_waiting(java_table_write, &call)) {
		throw_cluster_error(t, "no stack left to reach the cluster from this Fiber", 50);
		return false;
	}
	const char *a = call.answer;
	if (!a) {
		throw_cluster_error(t, "the cluster gave no answer", 26);
		return false;
	}
	memcpy(&answer->state, a, 4);
	a += 4;
	answer->row = NULL;
	answer->row_len = 0;
	answer->version = 0;
	answer->full_here = false;
	switch (answer->state) {
	case EPHPM_TABLE_WRITTEN:
	case EPHPM_TABLE_MISMATCH:
		memcpy(&answer->version, a, 8);
		memcpy(&answer->row_len, a + 8, 4);
		answer->row = a + 12;
		break;
	case EPHPM_TABLE_REMOVED:
	case EPHPM_TABLE_ABSENT:
		memcpy(&answer->version, a, 8);
		break;
	case EPHPM_TABLE_FAILED: {
		uint32_t len;
		memcpy(&len, a, 4);
		throw_cluster_error(t, a + 4, len);
		return false;
	}
	default:
		throw_cluster_error(t, "the cluster's answer is not one of a table's", 44);
		return false;
	}
	int applied = apply_row(t, ZSTR_VAL(key), ZSTR_LEN(key), answer->version, answer->row,
		answer->row_len, false);
	if (applied < 0) {
		throw_cluster_error(t, "the cluster answered a row of another layout", 44);
		return false;
	}
	if (applied == 2) {
		php_error_docref(NULL, E_WARNING, "the table is full here: all of its %u rows are in use; the cluster holds the row", t->rows);
		answer->full_here = true;
	}
	return true;
}

typedef struct {
	table *t;
	const char *refused;
} table_opened_call;

static void java_table_opened(void *arg) {
	table_opened_call *c = arg;
	c->refused = c->t->space->opened((int64_t)(intptr_t)c->t);
}

/* Hands a new shared table to the cluster; NULL, or why it refused (in table_error). */
static const char *open_replicated(table *t) {
	table_opened_call call = {t, NULL};
	if (!ephpm_call_java_waiting(java_table_opened, &call)) return "no stack left to reach the cluster from this Fiber";
	if (!call.refused) return NULL;
	snprintf(table_error, sizeof table_error, "%s", call.refused);
	return table_error;
}

/* ---------------------------------------------------------------- the PHP class */

typedef struct {
	table *t;                  /* NULL until create() */
	zend_long size;
	uint32_t ncols;
	table_column cols[TABLE_COLUMNS_MAX];
	uint32_t iter_next;        /* the next row index the iterator looks at */
	zval iter_row;             /* the current row, or UNDEF past the end */
	zend_string *iter_key;
	zend_object std;
} table_object;

static zend_class_entry *table_ce;
static zend_object_handlers table_handlers;

static inline table_object *table_from(zend_object *obj) {
	return (table_object *)((char *)obj - XtOffsetOf(table_object, std));
}

#define THIS_TABLE() table_from(Z_OBJ_P(ZEND_THIS))

static zend_object *table_create_object(zend_class_entry *ce) {
	table_object *o = zend_object_alloc(sizeof(table_object), ce);
	zend_object_std_init(&o->std, ce);
	object_properties_init(&o->std, ce);
	o->std.handlers = &table_handlers;
	ZVAL_UNDEF(&o->iter_row);
	return &o->std;
}

static void iter_clear(table_object *o) {
	zval_ptr_dtor(&o->iter_row);
	ZVAL_UNDEF(&o->iter_row);
	if (o->iter_key) {
		zend_string_release(o->iter_key);
		o->iter_key = NULL;
	}
}

static void table_free_object(zend_object *obj) {
	table_object *o = table_from(obj);
	iter_clear(o);
	table_release(o->t);
	o->t = NULL;
	zend_object_std_dtor(obj);
}

/* The object's table, or NULL after throwing when create() has not run. */
static table *created(table_object *o) {
	if (!o->t) zend_throw_error(NULL, "%s: the table is not created yet; call create() after its columns", ZSTR_VAL(o->std.ce->name));
	return o->t;
}

static bool key_fits(zend_string *key) {
	if (ZSTR_LEN(key) < TABLE_KEY_MAX) return true;
	php_error_docref(NULL, E_WARNING, "key of %zu bytes is too long: a table key has at most %d bytes", ZSTR_LEN(key), TABLE_KEY_MAX - 1);
	return false;
}

PHP_METHOD(Ephpm_Table, __construct) {
	zend_long size;
	double conflict_proportion = 0.2;
	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_LONG(size)
		Z_PARAM_OPTIONAL
		Z_PARAM_DOUBLE(conflict_proportion)
	ZEND_PARSE_PARAMETERS_END();
	(void)conflict_proportion; /* Swoole's hash-collision reserve; here the table holds exactly size rows */
	if (size < 1 || size > TABLE_ROWS_MAX) {
		zend_argument_value_error(1, "must be between 1 and %u rows", TABLE_ROWS_MAX);
		RETURN_THROWS();
	}
	THIS_TABLE()->size = size;
}

PHP_METHOD(Ephpm_Table, column) {
	zend_string *name;
	zend_long type, size = 0;
	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_STR(name)
		Z_PARAM_LONG(type)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(size)
	ZEND_PARSE_PARAMETERS_END();
	table_object *o = THIS_TABLE();
	if (o->t) {
		php_error_docref(NULL, E_WARNING, "the table is created: columns are declared before create()");
		RETURN_FALSE;
	}
	if (ZSTR_LEN(name) == 0 || ZSTR_LEN(name) > TABLE_COLUMN_NAME_MAX) {
		zend_argument_value_error(1, "must be a column name of 1 to %d bytes", TABLE_COLUMN_NAME_MAX);
		RETURN_THROWS();
	}
	if (type != TYPE_INT && type != TYPE_FLOAT && type != TYPE_STRING) {
		zend_argument_value_error(2, "must be one of TYPE_INT, TYPE_FLOAT or TYPE_STRING");
		RETURN_THROWS();
	}
	if (type == TYPE_STRING && (size < 1 || size > TABLE_STRING_MAX)) {
		zend_argument_value_error(3, "must be the most bytes of a string column, 1 to %u", TABLE_STRING_MAX);
		RETURN_THROWS();
	}
	table_column *col = NULL;
	for (uint32_t i = 0; i < o->ncols; i++) {
		if (o->cols[i].name_len == ZSTR_LEN(name) && memcmp(o->cols[i].name, ZSTR_VAL(name), ZSTR_LEN(name)) == 0) col = &o->cols[i];
	}
	if (!col) {
		if (o->ncols == TABLE_COLUMNS_MAX) {
			php_error_docref(NULL, E_WARNING, "a table has at most %d columns", TABLE_COLUMNS_MAX);
			RETURN_FALSE;
		}
		col = &o->cols[o->ncols++];
	}
	memcpy(col->name, ZSTR_VAL(name), ZSTR_LEN(name));
	col->name_len = (uint32_t)ZSTR_LEN(name);
	col->type = (uint32_t)type;
	col->size = type == TYPE_STRING ? (uint32_t)size : 8;
	RETURN_TRUE;
}

static bool check_columns(table_object *o) {
	if (o->size < 1) {
		zend_throw_error(NULL, "%s was not constructed with its number of rows", ZSTR_VAL(o->std.ce->name));
		return false;
	}
	if (o->ncols == 0) {
		zend_throw_error(NULL, "%s::create(): declare at least one column first", ZSTR_VAL(o->std.ce->name));
		return false;
	}
	if (o->t) {
		php_error_docref(NULL, E_WARNING, "the table is already created");
		return false;
	}
	return true;
}

PHP_METHOD(Ephpm_Table, create) {
	ZEND_PARSE_PARAMETERS_NONE();
	table_object *o = THIS_TABLE();
	if (!check_columns(o)) {
		if (EG(exception)) RETURN_THROWS();
		RETURN_FALSE;
	}
	const char *error = NULL;
	o->t = table_new((uint32_t)o->size, o->cols, o->ncols, thread_space, &error);
	if (!o->t) {
		zend_throw_error(NULL, "%s::create(): cannot allocate %ld rows: %s", ZSTR_VAL(o->std.ce->name), (long)o->size, error);
		RETURN_THROWS();
	}
	RETURN_TRUE;
}

/* ePHPm's own: the table every PHP thread of this app shares under this name, made by the first. */
PHP_METHOD(Ephpm_Table, createShared) {
	zend_string *name;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(name)
	ZEND_PARSE_PARAMETERS_END();
	table_object *o = THIS_TABLE();
	if (ZSTR_LEN(name) == 0) {
		zend_argument_value_error(1, "must not be empty");
		RETURN_THROWS();
	}
	if (!check_columns(o)) {
		if (EG(exception)) RETURN_THROWS();
		RETURN_FALSE;
	}
	table_space *space = thread_space;
	if (!space) {
		zend_throw_error(NULL, "%s::createShared(): this PHP thread belongs to no app, so there is nothing to share a table with",
			ZSTR_VAL(o->std.ce->name));
		RETURN_THROWS();
	}
	const char *error = NULL;
	bool other_layout = false, cluster_refused = false;
	pthread_mutex_lock(&space->lock);
	table *t = space->shared;
	while (t && !(t->name_len == ZSTR_LEN(name) && memcmp(t->name, ZSTR_VAL(name), t->name_len) == 0)) t = t->next_shared;
	if (t) {
		if (same_layout(t, (uint32_t)o->size, o->cols, o->ncols)) atomic_fetch_add(&t->refs, 1);
		else { other_layout = true; t = NULL; }
	} else {
		t = table_new((uint32_t)o->size, o->cols, o->ncols, space, &error);
		if (t) {
			t->name = malloc(ZSTR_LEN(name));
			if (t->name) {
				memcpy(t->name, ZSTR_VAL(name), ZSTR_LEN(name));
				t->name_len = ZSTR_LEN(name);
				t->next_shared = space->shared;
				space->shared = t;
				atomic_fetch_add(&t->refs, 1); /* the space's */
				if (space->opened) {
					/* under the space's lock: no thread finds the table before the cluster's rows are in it */
					t->replicated = true;
					error = open_replicated(t);
					cluster_refused = error != NULL;
					if (error) {
						space->shared = t->next_shared;
						table_release(t); /* the space's */
						table_release(t);
						t = NULL;
					}
				}
			} else {
				table_release(t);
				t = NULL;
				error = "out of memory";
			}
		}
	}
	pthread_mutex_unlock(&space->lock);
	if (other_layout) {
		zend_throw_error(NULL, "%s::createShared(): table '%s' already exists in this app with other columns or rows; "
			"a shared table keeps its layout until the app is redeployed", ZSTR_VAL(o->std.ce->name), ZSTR_VAL(name));
		RETURN_THROWS();
	}
	if (cluster_refused) {
		zend_throw_error(NULL, "%s::createShared(): table '%s' is replicated, and the cluster did not take it: %s",
			ZSTR_VAL(o->std.ce->name), ZSTR_VAL(name), error);
		RETURN_THROWS();
	}
	if (!t) {
		zend_throw_error(NULL, "%s::createShared(): cannot allocate %ld rows for table '%s': %s", ZSTR_VAL(o->std.ce->name),
			(long)o->size, ZSTR_VAL(name), error);
		RETURN_THROWS();
	}
	o->t = t;
	RETURN_TRUE;
}

PHP_METHOD(Ephpm_Table, destroy) {
	ZEND_PARSE_PARAMETERS_NONE();
	table_object *o = THIS_TABLE();
	iter_clear(o);
	/* only this object lets go: a shared table stays for the app's other threads */
	table_release(o->t);
	o->t = NULL;
	RETURN_TRUE;
}

/* A value of a set(), converted before the row is locked. */
typedef struct {
	const table_column *col;
	union { int64_t l; double d; zend_string *s; } v;
} staged_value;

/* Converts the values to the columns they name (others are ignored, as Swoole does); false when
 * one does not convert or fit, with a warning or an exception. A conversion can run PHP (a
 * warning's handler, __toString) that destroy()s this object's table: then *pinned holds it until
 * the caller releases it. Values of the column's own type need none. */
static bool stage_values(table *t, zend_string *key, HashTable *values, staged_value *staged, uint32_t *count, bool *pinned) {
	uint32_t nstaged = 0;
	bool ok = true;
	zend_string *name;
	zval *value;
	zend_ulong index;
	ZEND_HASH_FOREACH_KEY_VAL(values, index, name, value) {
		const table_column *col;
		if (name) {
			col = column_named(t, ZSTR_VAL(name), ZSTR_LEN(name));
		} else { /* a column named "7" is array key 7 */
			char digits[MAX_LENGTH_OF_LONG + 1];
			int len = snprintf(digits, sizeof digits, ZEND_LONG_FMT, (zend_long)index);
			col = column_named(t, digits, (size_t)len);
		}
		if (!col) continue; /* Swoole ignores what is not a column */
		if (!*pinned && Z_TYPE_P(value) != (col->type == TYPE_INT ? IS_LONG : col->type == TYPE_FLOAT ? IS_DOUBLE : IS_STRING)) {
			atomic_fetch_add(&t->refs, 1);
			*pinned = true;
		}
		staged_value *v = &staged[nstaged++];
		v->col = col;
		if (col->type == TYPE_INT) v->v.l = (int64_t)zval_get_long(value);
		else if (col->type == TYPE_FLOAT) v->v.d = zval_get_double(value);
		else v->v.s = zval_get_string(value);
		if (EG(exception)) { ok = false; break; }
		if (col->type == TYPE_STRING && ZSTR_LEN(v->v.s) > col->size) {
			php_error_docref(NULL, E_WARNING, "[key=%s,column=%s] a value of %zu bytes does not fit the column's %u",
				ZSTR_VAL(key), col->name, ZSTR_LEN(v->v.s), col->size);
			ok = false;
			break;
		}
	} ZEND_HASH_FOREACH_END();
	*count = nstaged;
	return ok;
}

static void release_staged(staged_value *staged, uint32_t count) {
	for (uint32_t i = 0; i < count; i++) {
		if (staged[i].col->type == TYPE_STRING) zend_string_release(staged[i].v.s);
	}
}

/* Writes the staged values into a row's columns; the row's stripe is held. */
static void write_staged(char *data, const staged_value *staged, uint32_t count) {
	for (uint32_t i = 0; i < count; i++) {
		char *at = data + staged[i].col->offset;
		if (staged[i].col->type == TYPE_STRING) {
			uint32_t len = (uint32_t)ZSTR_LEN(staged[i].v.s);
			memcpy(at, &len, sizeof len);
			memcpy(at + sizeof len, ZSTR_VAL(staged[i].v.s), len);
		} else {
			memcpy(at, &staged[i].v, 8);
		}
	}
}

/* Whether a row's columns hold the staged values, compared as stored (floats by their bits). */
static bool row_holds(const char *data, const staged_value *staged, uint32_t count) {
	for (uint32_t i = 0; i < count; i++) {
		const char *at = data + staged[i].col->offset;
		if (staged[i].col->type == TYPE_STRING) {
			uint32_t len;
			memcpy(&len, at, sizeof len);
			if (len != ZSTR_LEN(staged[i].v.s) || memcmp(at + sizeof len, ZSTR_VAL(staged[i].v.s), len) != 0) return false;
		} else if (memcmp(at, &staged[i].v, 8) != 0) {
			return false;
		}
	}
	return true;
}

static void request_staged(smart_str *request, const table *t, const staged_value *staged, uint32_t count) {
	request_u32(request, count);
	for (uint32_t i = 0; i < count; i++) {
		request_u32(request, (uint32_t)(staged[i].col - t->cols));
		if (staged[i].col->type == TYPE_STRING) {
			request_u32(request, (uint32_t)ZSTR_LEN(staged[i].v.s));
			smart_str_append(request, staged[i].v.s);
		} else {
			smart_str_appendl(request, (const char *)&staged[i].v, 8);
		}
	}
}

PHP_METHOD(Ephpm_Table, set) {
	zend_string *key;
	HashTable *values;
	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(key)
		Z_PARAM_ARRAY_HT(values)
	ZEND_PARSE_PARAMETERS_END();
	table *t = created(THIS_TABLE());
	if (!t) RETURN_THROWS();
	if (!key_fits(key)) RETURN_FALSE;

	staged_value staged[TABLE_COLUMNS_MAX];
	uint32_t nstaged = 0;
	bool pinned = false;
	bool ok = stage_values(t, key, values, staged, &nstaged, &pinned);

	if (ok && t->replicated) {
		smart_str request = {0};
		request_begin(&request, EPHPM_TABLE_OP_SET, key);
		request_staged(&request, t, staged, nstaged);
		write_answer answer;
		ok = replicate(t, key, &request, &answer) && !answer.full_here;
		smart_str_free(&request);
	} else if (ok) {
		uint32_t hash = key_hash(ZSTR_VAL(key), ZSTR_LEN(key));
		pthread_mutex_t *stripe = stripe_of(t, hash);
		pthread_mutex_lock(stripe);
		uint32_t found = find_or_add_row(t, hash, ZSTR_VAL(key), ZSTR_LEN(key));
		if (found) write_staged(row_data(row_at(t, found - 1)), staged, nstaged);
		pthread_mutex_unlock(stripe);
		if (!found) {
			php_error_docref(NULL, E_WARNING, "the table is full: all of its %u rows are in use", t->rows);
			ok = false;
		}
	}
	release_staged(staged, nstaged);
	if (pinned) table_release(t);
	if (EG(exception)) RETURN_THROWS();
	RETURN_BOOL(ok);
}

/* ePHPm's own: writes values only while the row holds expected (false: while there is no row), in
 * one step for every PHP thread and, replicated, for the whole cluster. */
PHP_METHOD(Ephpm_Table, compareAndSet) {
	zend_string *key;
	zval *expected;
	HashTable *values;
	ZEND_PARSE_PARAMETERS_START(3, 3)
		Z_PARAM_STR(key)
		Z_PARAM_ZVAL(expected)
		Z_PARAM_ARRAY_HT(values)
	ZEND_PARSE_PARAMETERS_END();
	if (Z_TYPE_P(expected) != IS_ARRAY && Z_TYPE_P(expected) != IS_FALSE) {
		zend_argument_type_error(2, "must be of type array|false, %s given", zend_zval_type_name(expected));
		RETURN_THROWS();
	}
	table *t = created(THIS_TABLE());
	if (!t) RETURN_THROWS();
	if (!key_fits(key)) RETURN_FALSE;

	bool expect_absent = Z_TYPE_P(expected) == IS_FALSE;
	staged_value want[TABLE_COLUMNS_MAX], staged[TABLE_COLUMNS_MAX];
	uint32_t nwant = 0, nstaged = 0;
	bool pinned = false;
	bool ok = (expect_absent || stage_values(t, key, Z_ARRVAL_P(expected), want, &nwant, &pinned))
		&& stage_values(t, key, values, staged, &nstaged, &pinned);
	bool swapped = false;

	if (ok && t->replicated) {
		smart_str request = {0};
		request_begin(&request, EPHPM_TABLE_OP_CAS, key);
		smart_str_appendc(&request, expect_absent ? 1 : 0);
		if (!expect_absent) request_staged(&request, t, want, nwant);
		request_staged(&request, t, staged, nstaged);
		write_answer answer;
		ok = replicate(t, key, &request, &answer);
		swapped = ok && answer.state == EPHPM_TABLE_WRITTEN && !answer.full_here;
		smart_str_free(&request);
	} else if (ok) {
		uint32_t hash = key_hash(ZSTR_VAL(key), ZSTR_LEN(key));
		pthread_mutex_t *stripe = stripe_of(t, hash);
		bool full = false;
		pthread_mutex_lock(stripe);
		uint32_t found = find_row(t, hash, ZSTR_VAL(key), ZSTR_LEN(key), NULL);
		if (expect_absent ? !found : (found && row_holds(row_data(row_at(t, found - 1)), want, nwant))) {
			if (!found) found = find_or_add_row(t, hash, ZSTR_VAL(key), ZSTR_LEN(key));
			if (found) {
				write_staged(row_data(row_at(t, found - 1)), staged, nstaged);
				swapped = true;
			} else {
				full = true;
			}
		}
		pthread_mutex_unlock(stripe);
		if (full) php_error_docref(NULL, E_WARNING, "the table is full: all of its %u rows are in use", t->rows);
	}
	release_staged(want, nwant);
	release_staged(staged, nstaged);
	if (pinned) table_release(t);
	if (EG(exception)) RETURN_THROWS();
	RETURN_BOOL(swapped);
}

PHP_METHOD(Ephpm_Table, get) {
	zend_string *key, *field = NULL;
	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(key)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(field)
	ZEND_PARSE_PARAMETERS_END();
	table *t = created(THIS_TABLE());
	if (!t) RETURN_THROWS();
	if (ZSTR_LEN(key) >= TABLE_KEY_MAX) RETURN_FALSE;
	const table_column *col = NULL;
	if (field) {
		col = column_named(t, ZSTR_VAL(field), ZSTR_LEN(field));
		if (!col) {
			php_error_docref(NULL, E_WARNING, "no column named '%s'", ZSTR_VAL(field));
			RETURN_FALSE;
		}
	}
	size_t want = col ? col->offset + (col->type == TYPE_STRING ? sizeof(uint32_t) + col->size : 8) : t->data_size;
	char on_stack[TABLE_ROW_COPY_ON_STACK];
	char *copy = want <= sizeof on_stack ? on_stack : malloc(want);
	if (!copy) {
		zend_throw_error(NULL, "out of memory reading a row of %zu bytes", want);
		RETURN_THROWS();
	}
	size_t from = col ? col->offset : 0;
	uint32_t hash = key_hash(ZSTR_VAL(key), ZSTR_LEN(key));
	pthread_mutex_t *stripe = stripe_of(t, hash);
	pthread_mutex_lock(stripe);
	uint32_t found = find_row(t, hash, ZSTR_VAL(key), ZSTR_LEN(key), NULL);
	if (found) {
		const char *data = row_data(row_at(t, found - 1));
		if (!col) {
			copy_row(t, copy, data);
		} else if (col->type == TYPE_STRING) {
			uint32_t len;
			memcpy(&len, data + from, sizeof len);
			if (len > col->size) len = col->size;
			memcpy(copy + from, data + from, sizeof len + len);
		} else {
			memcpy(copy + from, data + from, 8);
		}
	}
	pthread_mutex_unlock(stripe);
	if (found) {
		if (col) column_value(col, copy, return_value);
		else row_array(t, copy, return_value);
	}
	if (copy != on_stack) free(copy);
	if (!found) RETURN_FALSE;
}

PHP_METHOD(Ephpm_Table, exists) {
	zend_string *key;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(key)
	ZEND_PARSE_PARAMETERS_END();
	table *t = created(THIS_TABLE());
	if (!t) RETURN_THROWS();
	if (ZSTR_LEN(key) >= TABLE_KEY_MAX) RETURN_FALSE;
	uint32_t hash = key_hash(ZSTR_VAL(key), ZSTR_LEN(key));
	pthread_mutex_t *stripe = stripe_of(t, hash);
	pthread_mutex_lock(stripe);
	uint32_t found = find_row(t, hash, ZSTR_VAL(key), ZSTR_LEN(key), NULL);
	pthread_mutex_unlock(stripe);
	RETURN_BOOL(found != 0);
}

PHP_METHOD(Ephpm_Table, del) {
	zend_string *key;
	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(key)
	ZEND_PARSE_PARAMETERS_END();
	table *t = created(THIS_TABLE());
	if (!t) RETURN_THROWS();
	if (ZSTR_LEN(key) >= TABLE_KEY_MAX) RETURN_FALSE;
	if (t->replicated) {
		smart_str request = {0};
		request_begin(&request, EPHPM_TABLE_OP_DEL, key);
		write_answer answer;
		bool ok = replicate(t, key, &request, &answer);
		smart_str_free(&request);
		if (!ok) RETURN_THROWS();
		RETURN_BOOL(answer.state == EPHPM_TABLE_REMOVED);
	}
	uint32_t hash = key_hash(ZSTR_VAL(key), ZSTR_LEN(key));
	pthread_mutex_t *stripe = stripe_of(t, hash);
	uint32_t *link = NULL;
	pthread_mutex_lock(stripe);
	uint32_t found = find_row(t, hash, ZSTR_VAL(key), ZSTR_LEN(key), &link);
	if (found) {
		row_header *row = row_at(t, found - 1);
		*link = row->next;
		atomic_store(&row->used, 0);
		atomic_fetch_sub(&t->count, 1);
	}
	pthread_mutex_unlock(stripe);
	if (found) give_back_row(t, found);
	RETURN_BOOL(found != 0);
}

static void add_to_column(INTERNAL_FUNCTION_PARAMETERS, int sign) {
	zend_string *key, *column;
	zval *by = NULL;
	ZEND_PARSE_PARAMETERS_START(2, 3)
		Z_PARAM_STR(key)
		Z_PARAM_STR(column)
		Z_PARAM_OPTIONAL
		Z_PARAM_NUMBER(by)
	ZEND_PARSE_PARAMETERS_END();
	table *t = created(THIS_TABLE());
	if (!t) RETURN_THROWS();
	if (!key_fits(key)) RETURN_FALSE;
	const table_column *col = column_named(t, ZSTR_VAL(column), ZSTR_LEN(column));
	if (!col || col->type == TYPE_STRING) {
		php_error_docref(NULL, E_WARNING, col ? "column '%s' holds strings: only int and float columns count" : "no column named '%s'",
			ZSTR_VAL(column));
		RETURN_FALSE;
	}
	int64_t by_long = 1;
	double by_double = 1.0;
	if (by) {
		by_long = Z_TYPE_P(by) == IS_LONG ? (int64_t)Z_LVAL_P(by) : (int64_t)Z_DVAL_P(by);
		by_double = Z_TYPE_P(by) == IS_LONG ? (double)Z_LVAL_P(by) : Z_DVAL_P(by);
	}
	if (t->replicated) {
		smart_str request = {0};
		request_begin(&request, EPHPM_TABLE_OP_ADD, key);
		request_u32(&request, (uint32_t)(col - t->cols));
		if (col->type == TYPE_INT) {
			int64_t add = sign > 0 ? by_long : (int64_t)(0 - (uint64_t)by_long);
			smart_str_appendl(&request, (const char *)&add, 8);
		} else {
			double add = sign > 0 ? by_double : -by_double;
			smart_str_appendl(&request, (const char *)&add, 8);
		}
		write_answer answer;
		bool ok = replicate(t, key, &request, &answer);
		smart_str_free(&request);
		if (!ok) RETURN_THROWS();
		if (answer.full_here) RETURN_FALSE;
		if (!wire_column_value(t, answer.row, answer.row_len, col, return_value)) {
			throw_cluster_error(t, "the cluster answered a row of another layout", 44);
			RETURN_THROWS();
		}
		return;
	}
	uint32_t hash = key_hash(ZSTR_VAL(key), ZSTR_LEN(key));
	pthread_mutex_t *stripe = stripe_of(t, hash);
	int64_t long_result = 0;
	double double_result = 0;
	pthread_mutex_lock(stripe);
	uint32_t found = find_or_add_row(t, hash, ZSTR_VAL(key), ZSTR_LEN(key));
	if (found) {
		char *at = row_data(row_at(t, found - 1)) + col->offset;
		if (col->type == TYPE_INT) {
			int64_t v;
			memcpy(&v, at, sizeof v);
			/* wraps around as Swoole's does, without C's undefined signed overflow */
			v = (int64_t)(sign > 0 ? (uint64_t)v + (uint64_t)by_long : (uint64_t)v - (uint64_t)by_long);
			memcpy(at, &v, sizeof v);
			long_result = v;
		} else {
			double v;
			memcpy(&v, at, sizeof v);
			v = sign > 0 ? v + by_double : v - by_double;
			memcpy(at, &v, sizeof v);
			double_result = v;
		}
	}
	pthread_mutex_unlock(stripe);
	if (!found) {
		php_error_docref(NULL, E_WARNING, "the table is full: all of its %u rows are in use", t->rows);
		RETURN_FALSE;
	}
	if (col->type == TYPE_INT) RETURN_LONG((zend_long)long_result);
	RETURN_DOUBLE(double_result);
}

PHP_METHOD(Ephpm_Table, incr) { add_to_column(INTERNAL_FUNCTION_PARAM_PASSTHRU, 1); }
PHP_METHOD(Ephpm_Table, decr) { add_to_column(INTERNAL_FUNCTION_PARAM_PASSTHRU, -1); }

PHP_METHOD(Ephpm_Table, count) {
	ZEND_PARSE_PARAMETERS_NONE();
	table_object *o = THIS_TABLE();
	RETURN_LONG(o->t ? (zend_long)atomic_load(&o->t->count) : 0);
}

PHP_METHOD(Ephpm_Table, getSize) {
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_LONG(THIS_TABLE()->size);
}

PHP_METHOD(Ephpm_Table, getMemorySize) {
	ZEND_PARSE_PARAMETERS_NONE();
	table_object *o = THIS_TABLE();
	RETURN_LONG(o->t ? (zend_long)o->t->memory : 0);
}

PHP_METHOD(Ephpm_Table, stats) {
	ZEND_PARSE_PARAMETERS_NONE();
	table_object *o = THIS_TABLE();
	if (!o->t) RETURN_FALSE;
	array_init(return_value);
	add_assoc_long(return_value, "num", (zend_long)atomic_load(&o->t->count));
	add_assoc_long(return_value, "size", (zend_long)o->t->rows);
	add_assoc_long(return_value, "memory_size", (zend_long)o->t->memory);
	add_assoc_bool(return_value, "shared", o->t->name != NULL);
}

/* Moves the iterator to the next row in use at or after iter_next, copying it out. */
static void iter_seek(table_object *o) {
	iter_clear(o);
	table *t = o->t;
	if (!t) return;
	char on_stack[TABLE_ROW_COPY_ON_STACK + TABLE_KEY_MAX];
	size_t need = t->data_size + TABLE_KEY_MAX;
	char *copy = need <= sizeof on_stack ? on_stack : malloc(need);
	if (!copy) {
		zend_throw_error(NULL, "out of memory reading a row of %zu bytes", need);
		return;
	}
	uint32_t limit;
	pthread_mutex_lock(&t->free_lock);
	limit = t->never_used;
	pthread_mutex_unlock(&t->free_lock);
	while (o->iter_next < limit) {
		row_header *row = row_at(t, o->iter_next++);
		uint32_t key_len = 0;
		bool got = false;
		for (;;) {
			if (!atomic_load(&row->used)) break;
			uint32_t hash = atomic_load(&row->hash);
			pthread_mutex_t *stripe = stripe_of(t, hash);
			pthread_mutex_lock(stripe);
			if (atomic_load(&row->used) && atomic_load(&row->hash) == hash) {
				key_len = row->key_len;
				memcpy(copy, row->key, key_len);
				copy_row(t, copy + TABLE_KEY_MAX, row_data(row));
				got = true;
			}
			pthread_mutex_unlock(stripe);
			if (got || !atomic_load(&row->used)) break;
		}
		if (got) {
			o->iter_key = zend_string_init(copy, key_len, 0);
			row_array(t, copy + TABLE_KEY_MAX, &o->iter_row);
			break;
		}
	}
	if (copy != on_stack) free(copy);
}

PHP_METHOD(Ephpm_Table, rewind) {
	ZEND_PARSE_PARAMETERS_NONE();
	table_object *o = THIS_TABLE();
	if (!created(o)) RETURN_THROWS();
	o->iter_next = 0;
	iter_seek(o);
}

PHP_METHOD(Ephpm_Table, next) {
	ZEND_PARSE_PARAMETERS_NONE();
	iter_seek(THIS_TABLE());
}

PHP_METHOD(Ephpm_Table, valid) {
	ZEND_PARSE_PARAMETERS_NONE();
	RETURN_BOOL(!Z_ISUNDEF(THIS_TABLE()->iter_row));
}

PHP_METHOD(Ephpm_Table, current) {
	ZEND_PARSE_PARAMETERS_NONE();
	table_object *o = THIS_TABLE();
	if (Z_ISUNDEF(o->iter_row)) RETURN_NULL();
	RETURN_COPY(&o->iter_row);
}

PHP_METHOD(Ephpm_Table, key) {
	ZEND_PARSE_PARAMETERS_NONE();
	table_object *o = THIS_TABLE();
	if (!o->iter_key) RETURN_NULL();
	RETURN_STR_COPY(o->iter_key);
}

ZEND_BEGIN_ARG_INFO_EX(arginfo_table_construct, 0, 0, 1)
	ZEND_ARG_TYPE_INFO(0, table_size, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, conflict_proportion, IS_DOUBLE, 0, "0.2")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_table_column, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, name, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, type, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, size, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_table_bool, 0, 0, _IS_BOOL, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_table_create_shared, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, name, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_table_set, 0, 2, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, value, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_table_compare_and_set, 0, 3, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_MASK(0, expected, MAY_BE_ARRAY | MAY_BE_FALSE, NULL)
	ZEND_ARG_TYPE_INFO(0, value, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_table_get, 0, 1, IS_MIXED, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, field, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_table_key, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_table_incr, 0, 2, MAY_BE_LONG | MAY_BE_DOUBLE | MAY_BE_FALSE)
	ZEND_ARG_TYPE_INFO(0, key, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, column, IS_STRING, 0)
	ZEND_ARG_TYPE_MASK(0, incrby, MAY_BE_LONG | MAY_BE_DOUBLE, "1")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_table_long, 0, 0, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_MASK_EX(arginfo_table_stats, 0, 0, MAY_BE_ARRAY | MAY_BE_FALSE)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_table_void, 0, 0, IS_VOID, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_table_mixed, 0, 0, IS_MIXED, 0)
ZEND_END_ARG_INFO()

static const zend_function_entry table_methods[] = {
	PHP_ME(Ephpm_Table, __construct, arginfo_table_construct, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, column, arginfo_table_column, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, create, arginfo_table_bool, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, createShared, arginfo_table_create_shared, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, destroy, arginfo_table_bool, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, set, arginfo_table_set, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, compareAndSet, arginfo_table_compare_and_set, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, get, arginfo_table_get, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, exists, arginfo_table_key, ZEND_ACC_PUBLIC)
	PHP_MALIAS(Ephpm_Table, exist, exists, arginfo_table_key, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, del, arginfo_table_key, ZEND_ACC_PUBLIC)
	PHP_MALIAS(Ephpm_Table, delete, del, arginfo_table_key, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, incr, arginfo_table_incr, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, decr, arginfo_table_incr, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, count, arginfo_table_long, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, getSize, arginfo_table_long, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, getMemorySize, arginfo_table_long, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, stats, arginfo_table_stats, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, rewind, arginfo_table_void, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, next, arginfo_table_void, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, valid, arginfo_table_bool, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, current, arginfo_table_mixed, ZEND_ACC_PUBLIC)
	PHP_ME(Ephpm_Table, key, arginfo_table_mixed, ZEND_ACC_PUBLIC)
	PHP_FE_END
};

void ephpm_table_minit(void) {
	zend_class_entry ce;
	INIT_CLASS_ENTRY(ce, "Ephpm\\Table", table_methods);
	table_ce = zend_register_internal_class_ex(&ce, NULL);
	table_ce->create_object = table_create_object;
	table_ce->ce_flags |= ZEND_ACC_NOT_SERIALIZABLE;
	zend_class_implements(table_ce, 2, zend_ce_iterator, zend_ce_countable);
	zend_declare_class_constant_long(table_ce, "TYPE_INT", sizeof("TYPE_INT") - 1, TYPE_INT);
	zend_declare_class_constant_long(table_ce, "TYPE_FLOAT", sizeof("TYPE_FLOAT") - 1, TYPE_FLOAT);
	zend_declare_class_constant_long(table_ce, "TYPE_STRING", sizeof("TYPE_STRING") - 1, TYPE_STRING);
	memcpy(&table_handlers, zend_get_std_object_handlers(), sizeof table_handlers);
	table_handlers.offset = XtOffsetOf(table_object, std);
	table_handlers.free_obj = table_free_object;
	table_handlers.clone_obj = NULL;
}
