/*
 * Ephpm\Table: rows of typed columns in memory shared by every PHP thread of one app (a "space"),
 * with Swoole\Table's API. Internal to libephpm; the functions Java calls are in ephpm.h.
 */
#ifndef EPHPM_TABLE_H
#define EPHPM_TABLE_H

#include <stdbool.h>

/* Registers the class; called from the SAPI module's MINIT. */
void ephpm_table_minit(void);
/* Drops the calling thread's reference to its space; called when the thread leaves PHP. */
void ephpm_table_thread_detach(void);

/* From ephpm.c: runs run(arg), which calls Java and may block, on the calling PHP thread's own stack
 * (also from a Fiber) with its execution timer paused; false when the thread cannot reach Java. */
bool ephpm_call_java_waiting(void (*run)(void *), void *arg);

#endif
