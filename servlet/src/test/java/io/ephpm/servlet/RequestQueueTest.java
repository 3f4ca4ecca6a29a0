package io.ephpm.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;

import io.ephpm.php.PhpRequest;
import jakarta.servlet.AsyncContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RequestQueueTest {
    private static final long MILLIS = 1_000_000;

    private static PendingRequest request() {
        return new PendingRequest(mock(AsyncContext.class), PhpRequest.builder().build());
    }

    /** A thread that takes one request from the queue. */
    private static final class OneTake extends Thread {
        final AtomicReference<Object> result = new AtomicReference<>();
        private final RequestQueue queue;
        private final boolean maySpin;

        OneTake(RequestQueue queue, boolean maySpin) {
            this.queue = queue;
            this.maySpin = maySpin;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                result.set(queue.take(new RequestQueue.Taker(this), maySpin));
            } catch (InterruptedException e) {
                result.set(e);
            }
        }
    }

    /** A thread that has gone idle on the queue, waiting to take one request. */
    private static OneTake startIdle(RequestQueue queue, boolean maySpin) throws InterruptedException {
        int idleBefore = queue.idleTakers();
        OneTake taker = new OneTake(queue, maySpin);
        taker.start();
        await(() -> queue.idleTakers() == idleBefore + 1);
        return taker;
    }

    private static void reviewOnAnIdleMachine(RequestQueue queue) {
        queue.reviewSpinning(0.0, 100 * MILLIS, 2);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting");
            Thread.sleep(1);
        }
    }

    @Test
    void queuedRequestsComeOutOldestFirstAndReplaysJumpTheQueue() throws Exception {
        RequestQueue queue = new RequestQueue(0);
        PendingRequest a = request();
        PendingRequest b = request();
        PendingRequest replay = request();
        queue.offerLast(a);
        queue.offerLast(b);
        queue.offerFirst(replay);
        assertEquals(3, queue.size());
        RequestQueue.Taker me = new RequestQueue.Taker(Thread.currentThread());
        assertSame(replay, queue.take(me, false));
        assertSame(a, queue.take(me, false));
        assertSame(b, queue.take(me, false));
        assertTrue(queue.isEmpty());
    }

    @Test
    void aRequestGoesStraightToTheThreadThatWentIdleLast() throws Exception {
        RequestQueue queue = new RequestQueue(0);
        OneTake first = startIdle(queue, false);
        OneTake second = startIdle(queue, false);

        PendingRequest a = request();
        queue.offerLast(a);
        second.join(10_000);
        assertSame(a, second.result.get());
        assertEquals(0, queue.size(), "handed over, never queued");
        assertTrue(first.isAlive());

        PendingRequest b = request();
        queue.offerLast(b);
        first.join(10_000);
        assertSame(b, first.result.get());
        assertEquals(0, queue.idleTakers());
    }

    @Test
    void anInterruptedIdleThreadLeavesTheStackAndLaterRequestsAreQueued() throws Exception {
        RequestQueue queue = new RequestQueue(0);
        OneTake taker = startIdle(queue, false);
        taker.interrupt();
        taker.join(10_000);
        assertTrue(taker.result.get() instanceof InterruptedException);
        assertEquals(0, queue.idleTakers());

        PendingRequest a = request();
        queue.offerLast(a);
        assertEquals(1, queue.size(), "no lost request: nobody took it, so it waits in the queue");
        assertSame(a, queue.pollFirst());
    }

    @Test
    void aTakerServesOnlyItsOwnThread() {
        RequestQueue queue = new RequestQueue(0);
        RequestQueue.Taker other = new RequestQueue.Taker(new Thread(() -> { }));
        assertThrows(IllegalStateException.class, () -> queue.take(other, false));
    }

    @Test
    void spinningIsAllowedOnlyWhileHalfACpuGoesIdle() {
        RequestQueue queue = new RequestQueue(100_000);
        assertFalse(queue.isSpinAllowed(), "not before the first review");
        queue.reviewSpinning(0.50, 100 * MILLIS, 2);
        assertTrue(queue.isSpinAllowed());
        queue.reviewSpinning(0.75, 100 * MILLIS, 2);
        assertTrue(queue.isSpinAllowed(), "half of one of two CPUs idle");
        queue.reviewSpinning(0.80, 100 * MILLIS, 2);
        assertFalse(queue.isSpinAllowed());
        queue.reviewSpinning(0.10, 100 * MILLIS, 1);
        assertFalse(queue.isSpinAllowed(), "one CPU never spins");
        queue.reviewSpinning(-1, 100 * MILLIS, 8);
        assertFalse(queue.isSpinAllowed(), "unknown load");

        RequestQueue off = new RequestQueue(0);
        off.reviewSpinning(0.0, 100 * MILLIS, 8);
        assertFalse(off.isSpinAllowed(), "idle-spin 0");
        assertThrows(IllegalArgumentException.class, () -> new RequestQueue(-1));
    }

    @Test
    void anIdleThreadSpinsWhenAllowedAndParksWhenNot() throws Exception {
        RequestQueue queue = new RequestQueue(TimeUnit.SECONDS.toNanos(30));
        reviewOnAnIdleMachine(queue);
        OneTake spinner = startIdle(queue, true);
        Thread.sleep(200);
        assertEquals(Thread.State.RUNNABLE, spinner.getState(), "spinning, not parked");
        OneTake sleeper = startIdle(queue, true);
        await(() -> sleeper.getState() == Thread.State.WAITING);
        assertEquals(2, queue.idleTakers(), "one thread spins at a time; the other parked");

        PendingRequest a = request();
        PendingRequest b = request();
        queue.offerLast(a);
        queue.offerLast(b);
        sleeper.join(10_000);
        spinner.join(10_000);
        assertSame(a, spinner.result.get(), "the spinning thread first: it needs no wake-up");
        assertSame(b, sleeper.result.get());

        queue.reviewSpinning(0.95, 100 * MILLIS, 2);
        assertTrue(queue.isSpinAllowed(), "the load was the spinner's own");
        queue.reviewSpinning(0.95, 100 * MILLIS, 2);
        assertFalse(queue.isSpinAllowed(), "busy without spinning");
        OneTake parked = startIdle(queue, true);
        await(() -> parked.getState() == Thread.State.WAITING);
        PendingRequest c = request();
        queue.offerLast(c);
        parked.join(10_000);
        assertSame(c, parked.result.get());
    }

    /** Takes requests one by one on a thread of its own, with the spin allowed. */
    private static final class SpinningTaker extends Thread {
        final AtomicInteger taken = new AtomicInteger();
        final RequestQueue queue;

        private SpinningTaker(RequestQueue queue) {
            this.queue = queue;
            setDaemon(true);
        }

        /** Started on a queue of its own, whose spin a review on an idle machine has allowed. */
        static SpinningTaker startedOnItsOwnQueue(long spinNanos) {
            RequestQueue queue = new RequestQueue(spinNanos);
            reviewOnAnIdleMachine(queue);
            SpinningTaker taker = new SpinningTaker(queue);
            taker.start();
            return taker;
        }

        @Override
        public void run() {
            RequestQueue.Taker me = new RequestQueue.Taker(this);
            try {
                while (queue.take(me, true) != PendingRequest.STOP) {
                    taken.incrementAndGet();
                }
            } catch (InterruptedException e) {
                // ends the test's thread
            }
        }

        /**
         * Hands over n requests, each once the thread has reached the given state, and returns
         * when it is back in that state: a spin still running could count itself after a review.
         */
        void serve(int n, Thread.State waitingIn) throws InterruptedException {
            for (int i = 0; i < n; i++) {
                int before = taken.get();
                awaitIdle(waitingIn);
                queue.offerLast(request());
                await(() -> taken.get() == before + 1);
            }
            awaitIdle(waitingIn);
        }

        private void awaitIdle(Thread.State waitingIn) throws InterruptedException {
            await(() -> getState() == waitingIn && queue.idleTakers() == 1);
        }
    }

    @Test
    void spinsThatRarelyGetARequestTurnTheSpinOffForLongerEachTime() throws Exception {
        SpinningTaker taker = SpinningTaker.startedOnItsOwnQueue(TimeUnit.MICROSECONDS.toNanos(50));
        RequestQueue queue = taker.queue;
        taker.serve(25, Thread.State.WAITING);
        reviewOnAnIdleMachine(queue);
        assertFalse(queue.isSpinAllowed(), "25 spins that ended without a request");
        reviewOnAnIdleMachine(queue);
        assertTrue(queue.isSpinAllowed(), "off for one review the first time");

        taker.serve(25, Thread.State.WAITING);
        reviewOnAnIdleMachine(queue);
        assertFalse(queue.isSpinAllowed());
        reviewOnAnIdleMachine(queue);
        assertFalse(queue.isSpinAllowed(), "off for two reviews the second time");
        reviewOnAnIdleMachine(queue);
        assertTrue(queue.isSpinAllowed());
        queue.offerLast(PendingRequest.STOP);
        taker.join(10_000);
    }

    @Test
    void spinsThatGetTheirRequestKeepTheSpinOn() throws Exception {
        SpinningTaker taker = SpinningTaker.startedOnItsOwnQueue(TimeUnit.SECONDS.toNanos(30));
        RequestQueue queue = taker.queue;
        for (int review = 0; review < 3; review++) {
            taker.serve(25, Thread.State.RUNNABLE);
            reviewOnAnIdleMachine(queue);
            assertTrue(queue.isSpinAllowed(), "25 spins, each ended by a request");
        }
        queue.offerLast(PendingRequest.STOP);
        taker.join(10_000);
    }

    @Test
    void everyRequestIsTakenExactlyOnceUnderContention() throws Exception {
        for (long spin : new long[] {0, 50_000}) {
            RequestQueue queue = new RequestQueue(spin);
            reviewOnAnIdleMachine(queue);
            int producers = 4;
            int perProducer = 20_000;
            Set<PendingRequest> taken = ConcurrentHashMap.newKeySet();
            AtomicInteger duplicates = new AtomicInteger();
            List<Thread> takers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int id = i;
                Thread t = new Thread(() -> {
                    RequestQueue.Taker me = new RequestQueue.Taker(Thread.currentThread());
                    try {
                        while (true) {
                            PendingRequest next = queue.take(me, id != 1);
                            if (next == PendingRequest.STOP) {
                                queue.offerFirst(next);
                                return;
                            }
                            if (!taken.add(next)) {
                                duplicates.incrementAndGet();
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                t.start();
                takers.add(t);
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> producerThreads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perProducer; i++) {
                        if (i % 7 == 0) {
                            queue.offerFirst(request());
                        } else {
                            queue.offerLast(request());
                        }
                        if (i % 1000 == 0) {
                            Thread.yield();
                        }
                    }
                });
                t.start();
                producerThreads.add(t);
            }
            go.countDown();
            for (Thread t : producerThreads) {
                t.join();
            }
            await(() -> taken.size() == producers * perProducer);
            queue.offerLast(PendingRequest.STOP);
            for (Thread t : takers) {
                t.join(10_000);
                assertFalse(t.isAlive(), "every taker ends on the stop sentinel");
            }
            assertEquals(0, duplicates.get(), "spin " + spin + ": a request was taken twice");
            assertEquals(producers * perProducer, taken.size());
            assertEquals(1, queue.size(), "only the sentinel is left");
            assertSame(PendingRequest.STOP, queue.pollFirst());
        }
    }
}
