package io.ephpm.servlet;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The FIFO queue between the servlet and the PHP threads, with the idle PHP threads waiting on a
 * stack beside it.
 *
 * <p>A request that arrives while a PHP thread is idle goes straight to the thread that is
 * spinning, else to the one that became idle last: its caches are the warmest, and the threads
 * idle longer stay asleep. An idle thread spins for a moment before it parks. At light load the
 * next request usually arrives within that moment, and the thread takes it without a wake-up,
 * which on a virtual machine costs tens of microseconds when the thread's CPU has gone idle. Only
 * one thread spins at a time, only when the caller says a CPU is free for it, and only while the
 * reviews of {@link #reviewSpinning} find that spinning pays.
 */
final class RequestQueue {
    private static final int SPINS_TO_JUDGE = 20;
    private static final double MIN_SPIN_SUCCESS = 0.8;
    private static final int MAX_REVIEWS_OFF = 32;

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<PendingRequest> queued = new ArrayDeque<>();
    private final ArrayDeque<Taker> idle = new ArrayDeque<>();
    private final AtomicReference<Taker> spinner = new AtomicReference<>();
    private final long spinNanos;
    private volatile boolean spinAllowed;
    // written by the one spinning thread; read, and the counts reset, by the review (a spin that
    // ends between the two goes uncounted, which a ratio over 20 or more spins can afford)
    private volatile long spunNanos;
    private volatile int spins;
    private volatile int spinsThatGotARequest;
    private long spunAtLastReview;
    private int reviewsLeftOff;
    private int offAfterMisses = 1;

    /** One PHP thread's place on the idle stack, reused across its takes. */
    static final class Taker {
        private final Thread thread;
        private volatile PendingRequest handed;
        private volatile boolean parked;

        Taker(Thread thread) {
            this.thread = thread;
        }
    }

    RequestQueue(long spinNanos) {
        if (spinNanos < 0) {
            throw new IllegalArgumentException("spin time must not be negative: " + spinNanos);
        }
        this.spinNanos = spinNanos;
    }

    void offerLast(PendingRequest pending) {
        offer(pending, false);
    }

    void offerFirst(PendingRequest pending) {
        offer(pending, true);
    }

    private void offer(PendingRequest pending, boolean first) {
        Taker taker;
        lock.lock();
        try {
            Taker spinning = spinner.get();
            taker = spinning != null && idle.remove(spinning) ? spinning : idle.pollFirst();
            if (taker == null) {
                if (first) {
                    queued.offerFirst(pending);
                } else {
                    queued.offerLast(pending);
                }
                return;
            }
            taker.handed = pending;
        } finally {
            lock.unlock();
        }
        if (taker.parked) {
            LockSupport.unpark(taker.thread);
        }
    }

    /**
     * The next request for the calling thread, waiting as long as it takes. {@code maySpin} says
     * whether a CPU is free for a short spin before the thread parks.
     */
    PendingRequest take(Taker taker, boolean maySpin) throws InterruptedException {
        if (taker.thread != Thread.currentThread()) {
            throw new IllegalStateException("a taker belongs to " + taker.thread.getName());
        }
        lock.lock();
        try {
            PendingRequest next = queued.pollFirst();
            if (next != null) {
                return next;
            }
            taker.handed = null;
            idle.offerFirst(taker);
        } finally {
            lock.unlock();
        }
        if (maySpin && spinAllowed && spinner.compareAndSet(null, taker)) {
            try {
                long start = System.nanoTime();
                long deadline = start + spinNanos;
                long now = start;
                while (taker.handed == null && now - deadline < 0) {
                    Thread.onSpinWait();
                    now = System.nanoTime();
                }
                spunNanos += now - start;
                spins++;
                if (taker.handed != null) {
                    spinsThatGotARequest++;
                }
            } finally {
                spinner.set(null);
            }
        }
        PendingRequest handed;
        while ((handed = taker.handed) == null) {
            taker.parked = true;
            if (taker.handed == null) {
                LockSupport.park(this);
            }
            taker.parked = false;
            if (Thread.interrupted()) {
                return leaveOnInterrupt(taker);
            }
        }
        return handed;
    }

    /** Off the idle stack and out with the interrupt, unless a request was handed over meanwhile. */
    private PendingRequest leaveOnInterrupt(Taker taker) throws InterruptedException {
        lock.lock();
        try {
            if (idle.remove(taker)) {
                throw new InterruptedException();
            }
        } finally {
            lock.unlock();
        }
        // handed under the lock, so it is set by now; the interrupt stays for the thread to see later
        Thread.currentThread().interrupt();
        return taker.handed;
    }

    /**
     * Allows the spin while at least half a CPU went idle since the last review, not counting the
     * time spent spinning: a spin on a busy machine takes CPU time from the threads that serve, and
     * hides the idle CPU from the kernel, which would have woken the next thread there. More than
     * a fifth of the spins ending without a request turns it off too, for one review, then for
     * twice as many each time, up to {@value #MAX_REVIEWS_OFF}: such a spin saves few wake-ups and
     * takes a CPU the server needs, which the load alone would not show, since a spin that slows
     * the server down lowers the load it leaves. {@code cpuLoad} is the machine's (or
     * container's) load since the last review, 0 to 1, negative when unknown; one CPU never spins.
     */
    void reviewSpinning(double cpuLoad, long elapsedNanos, int cpus) {
        long spunTotal = spunNanos;
        // one thread spins at a time; a spin is counted when it ends, perhaps after this period began
        double spinShare = Math.min(1.0 / cpus, (spunTotal - spunAtLastReview) / ((double) elapsedNanos * cpus));
        spunAtLastReview = spunTotal;
        int spun = spins;
        int gotARequest = spinsThatGotARequest;
        spins = 0;
        spinsThatGotARequest = 0;
        if (spun >= SPINS_TO_JUDGE) {
            if (gotARequest < spun * MIN_SPIN_SUCCESS) {
                reviewsLeftOff = offAfterMisses;
                offAfterMisses = Math.min(2 * offAfterMisses, MAX_REVIEWS_OFF);
            } else {
                offAfterMisses = 1;
            }
        }
        boolean resting = reviewsLeftOff > 0;
        if (resting) {
            reviewsLeftOff--;
        }
        spinAllowed = !resting && spinNanos > 0 && cpus > 1 && cpuLoad >= 0 && cpuLoad - spinShare <= 1 - 0.5 / cpus;
    }

    boolean isSpinAllowed() {
        return spinAllowed;
    }

    PendingRequest pollFirst() {
        return locked(queued::pollFirst);
    }

    boolean remove(PendingRequest pending) {
        return locked(() -> queued.removeFirstOccurrence(pending));
    }

    /** The queued requests, oldest first, as they are now. */
    List<PendingRequest> snapshot() {
        return locked(() -> new ArrayList<>(queued));
    }

    int size() {
        return locked(queued::size);
    }

    boolean isEmpty() {
        return size() == 0;
    }

    boolean contains(PendingRequest pending) {
        return locked(() -> queued.contains(pending));
    }

    /** PHP threads waiting for a request. */
    int idleTakers() {
        return locked(idle::size);
    }

    private <T> T locked(Supplier<T> body) {
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }
}
