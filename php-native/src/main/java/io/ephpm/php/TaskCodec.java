package io.ephpm.php;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** The task payloads and results as they cross between libephpm and Java (ephpm.h, "Tasks"). */
final class TaskCodec {
    private TaskCodec() {
    }

    static List<byte[]> decodePayloads(ByteBuffer in) {
        in.order(ByteOrder.nativeOrder());
        int count = in.getInt();
        List<byte[]> payloads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[in.getInt()];
            in.get(payload);
            payloads.add(payload);
        }
        return payloads;
    }

    static int encodedSize(List<TaskRunner.Result> results) {
        int size = 4;
        for (TaskRunner.Result result : results) {
            size += 8 + result.bytes().length;
        }
        return size;
    }

    static void encodeResults(List<TaskRunner.Result> results, ByteBuffer out) {
        out.putInt(results.size());
        for (TaskRunner.Result result : results) {
            out.putInt(switch (result.state()) {
                case DONE -> EphpmLibrary.TASK_DONE;
                case FAILED -> EphpmLibrary.TASK_FAILED;
                case UNFINISHED -> EphpmLibrary.TASK_UNFINISHED;
            });
            out.putInt(result.bytes().length);
            out.put(result.bytes());
        }
    }
}
