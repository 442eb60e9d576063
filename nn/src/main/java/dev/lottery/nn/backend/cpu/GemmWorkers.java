package dev.lottery.nn.backend.cpu;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A small fixed crew of daemon threads that run the parallel parts of the CPU backend: {@link CpuGemm}, and the
 * per-image-group work of convolutions and pooling ({@link #forEach}).
 *
 * <p>Why not a {@code ForkJoinPool}: a lenet training step is a burst of a dozen GEMMs of a few hundred
 * microseconds each, and waking a parked pool thread costs tens of microseconds every time. These workers spin
 * briefly (bounded by {@link #SPIN_NANOS}) after each job before parking, so back-to-back GEMMs hand work over in
 * about a microsecond, while an idle process still parks and burns nothing.
 *
 * <p>Only one job runs at a time. A caller that finds the crew busy (another thread's GEMM, or a GEMM issued from
 * inside a task) runs all its tasks itself, so concurrent callers are safe and never deadlock.
 */
public final class GemmWorkers {
    /** How long an idle worker keeps spinning for the next job before it parks. */
    static final long SPIN_NANOS = 200_000;

    /** Threads per GEMM, the caller included: {@code -Dlottery.gemm.threads=N}, by default one per available core. */
    static final String THREADS_PROPERTY = "lottery.gemm.threads";

    private static final GemmWorkers SHARED = new GemmWorkers(
            Math.clamp(Integer.getInteger(THREADS_PROPERTY, Runtime.getRuntime().availableProcessors()), 1, 32));

    /** One published batch of tasks; indices are claimed dynamically, so uneven tasks balance themselves. */
    private static final class Job {
        final IntConsumer body;
        final int tasks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile Throwable failure;

        Job(IntConsumer body, int tasks) {
            this.body = body;
            this.tasks = tasks;
        }

        /** Runs claimed tasks until none are left; {@code crew} when a worker (not the caller) runs them. */
        void work(boolean crew) {
            for (int t; (t = next.getAndIncrement()) < tasks; ) {
                try {
                    if (crew) CREW_TASKS.incrementAndGet();
                    body.accept(t);
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    /** Tasks the crew's threads (not callers) have run: how much work really ran in parallel. */
    private static final AtomicLong CREW_TASKS = new AtomicLong();
    /** Set on a thread inside {@link #onCallingThread}: its jobs run there alone. */
    private static final ThreadLocal<Boolean> ALONE = ThreadLocal.withInitial(() -> false);

    private final int threads;
    private final Thread[] crew;
    private final ReentrantLock entry = new ReentrantLock();
    private volatile Job current;
    /** Bit i set while worker i is (about to be) parked; 31 workers at most, hence the cap of 32 threads. */
    private final AtomicInteger parkedMask = new AtomicInteger();

    private GemmWorkers(int threads) {
        this.threads = threads;
        this.crew = new Thread[threads - 1];
        for (int i = 0; i < crew.length; i++) {
            int id = i;
            Thread t = new Thread(() -> loop(id), "cpu-gemm-" + (i + 1));
            t.setDaemon(true);
            crew[i] = t;
            t.start();
        }
    }

    static GemmWorkers shared() {
        return SHARED;
    }

    /** Whether the crew's threads may read and write {@code segment} (false for a segment of a confined arena). */
    boolean canShare(MemorySegment segment) {
        return crew.length == 0 || segment.isAccessibleBy(crew[0]);
    }

    /** Threads that take part in a job, the caller included (1 inside {@link #onCallingThread}). */
    int threads() {
        return ALONE.get() ? 1 : threads;
    }

    /**
     * Runs {@code body.accept(0 .. tasks-1)} on the shared crew when it is free and may touch every one of
     * {@code segments}, otherwise on the caller, and returns when all are done. Tasks must write disjoint memory
     * (or memory of their own) and must not depend on which thread runs them: results then do not depend on the
     * number of threads. A GEMM issued inside a task runs on that task's thread.
     */
    public static void forEach(int tasks, IntConsumer body, MemorySegment... segments) {
        GemmWorkers workers = SHARED;
        for (MemorySegment s : segments) {
            if (s != null && !workers.canShare(s)) {
                for (int t = 0; t < tasks; t++) body.accept(t);
                return;
            }
        }
        workers.run(tasks, body);
    }

    /**
     * Runs {@code work} as with one thread per GEMM ({@code -Dlottery.gemm.threads=1}): every job it issues runs on
     * the calling thread, cut as for one thread. Results are the same bits either way (the work is cut so that no value
     * depends on the cut or the thread), which the tests check.
     */
    public static <T> T onCallingThread(Supplier<T> work) {
        boolean before = ALONE.get();
        ALONE.set(true);
        try {
            return work.get();
        } finally {
            ALONE.set(before);
        }
    }

    /** Threads per job in this process, the caller included ({@value #THREADS_PROPERTY}). */
    public static int threadCount() {
        return SHARED.threads;
    }

    /** Tasks that the crew's threads, rather than their callers, have run since start (diagnostics and tests). */
    public static long crewTasks() {
        return CREW_TASKS.get();
    }

    /**
     * Runs {@code body.accept(0 .. tasks-1)}, in parallel when the crew is free, and returns when all are done.
     * The first failure of any task is rethrown here.
     */
    void run(int tasks, IntConsumer body) {
        // A job issued from inside a task (on the caller's thread, which holds the lock re-entrantly, or on a
        // worker) runs on that thread: one job at a time.
        if (tasks <= 1 || crew.length == 0 || ALONE.get() || entry.isHeldByCurrentThread() || !entry.tryLock()) {
            for (int t = 0; t < tasks; t++) body.accept(t);
            return;
        }
        try {
            Job job = new Job(body, tasks);
            current = job;
            int parked = parkedMask.get();
            for (int i = 0; parked != 0 && i < crew.length; i++) {
                if ((parked & (1 << i)) != 0) LockSupport.unpark(crew[i]);
            }
            job.work(false);
            // Whatever is still running was claimed by a worker that is busy with it: wait, yielding now and then
            // so a worker descheduled on an oversubscribed machine gets the core back quickly.
            for (int spins = 0; job.done.get() < tasks; spins++) {
                if ((spins & 63) == 63) Thread.yield();
                else Thread.onSpinWait();
            }
            current = null;
            Throwable failure = job.failure;
            if (failure instanceof RuntimeException re) throw re;
            if (failure instanceof Error er) throw er;
            if (failure != null) throw new IllegalStateException(failure);
        } finally {
            entry.unlock();
        }
    }

    private void loop(int id) {
        Job seen = null;
        int bit = 1 << id;
        while (true) {
            Job job = current;
            if (job != null && job != seen) {
                seen = job;
                job.work(true);
                continue;
            }
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while ((job = current) == null || job == seen) {
                if (System.nanoTime() < spinUntil) {
                    for (int i = 0; i < 64; i++) Thread.onSpinWait();
                    Thread.yield(); // nearly free on an idle core; hands it over when other processes need it
                } else {
                    // Announce the park, then re-check: a publisher writes `current` before reading the mask.
                    parkedMask.getAndUpdate(m -> m | bit);
                    job = current;
                    if (job == null || job == seen) LockSupport.park(this);
                    parkedMask.getAndUpdate(m -> m & ~bit);
                }
            }
        }
    }
}
