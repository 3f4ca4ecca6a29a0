package io.ephpm.php;

import com.sun.jna.Callback;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/** Direct JNA mapping of libephpm (php-native/native/ephpm.h). */
final class EphpmLibrary {
    static final int EMIT_FLUSH = 1;
    static final int EMIT_FINAL = 2;
    static final int EMIT_HEADERS = 4;
    static final int EMIT_SENDFILE = 16;
    static final int EMIT_INFORMATIONAL = 32;
    static final int EMIT_OUTCOME_SHIFT = 8;
    static final int OPCACHE_RESTART_PENDING = 0x10000;
    static final int CLIENT_OK = 0;
    static final int CLIENT_GONE = 1;
    static final int TASK_DONE = 0;
    static final int TASK_FAILED = 1;
    static final int TASK_UNFINISHED = 2;

    private EphpmLibrary() {
    }

    static void register(NativeLibrary library) {
        Native.register(EphpmLibrary.class, library);
    }

    /** Drops the mapping and the JNI references JNA holds for it; no call may be in progress, and calls fail until it is registered again. */
    static void unregister() {
        Native.unregister(EphpmLibrary.class);
    }

    interface NextRequest extends Callback {
        Pointer invoke(long memory, int flags, int status, Pointer headers, int headersLength, Pointer body, int bodyLength);
    }

    interface Emit extends Callback {
        int invoke(int flags, int status, Pointer headers, int headersLength, Pointer body, int bodyLength);
    }

    interface ReadBody extends Callback {
        int invoke(Pointer buffer, int max);
    }

    interface Log extends Callback {
        void invoke(int level, String message);
    }

    interface RunTasks extends Callback {
        Pointer invoke(Pointer payloads, int payloadsLength, int waitMillis);
    }

    interface TableWrite extends Callback {
        Pointer invoke(long table, Pointer request, int requestLength);
    }

    interface TableOpened extends Callback {
        Pointer invoke(long table);
    }

    static native int ephpm_runtime_start(String iniPath, String iniEntries, byte[] envBlock, int envLength);

    static native String ephpm_startup_error();

    static native String ephpm_runtime_describe();

    static native String ephpm_runtime_ini_entries();

    static native String ephpm_runtime_ini_path();

    static native int ephpm_thread_attach(int workerId, Pointer ini, Pointer env, NextRequest nextRequest, Emit emit, ReadBody readBody, Log log);

    static native void ephpm_thread_detach();

    static native long ephpm_thread_token();

    static native int ephpm_thread_interrupt(long token);

    static native int ephpm_execute_classic(Pointer envelope);

    static native int ephpm_worker_run(String script, Pointer bootEnvelope);

    static native String ephpm_last_error();

    static native long ephpm_memory_usage();

    static native int ephpm_opcache_restart_scheduled();

    static native long ephpm_tables_new(long limitBytes);

    static native void ephpm_tables_release(long space);

    static native long ephpm_tables_memory(long space);

    static native int ephpm_tables_count(long space);

    static native void ephpm_thread_use_tables(long space);

    static native void ephpm_thread_use_tasks(RunTasks runTasks);

    static native void ephpm_tables_replicate(long space, TableWrite write, TableOpened opened);

    static native void ephpm_table_retain(long table);

    static native void ephpm_table_unref(long table);

    static native int ephpm_table_layout(long table, byte[] buffer, int capacity);

    static native int ephpm_table_apply(long table, byte[] key, int keyLength, long version, byte[] row, int rowLength, int force);

    static native void ephpm_table_clear(long table);
}
