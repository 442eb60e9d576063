package dev.lottery.nn.backend.cpu;

import dev.lottery.nn.backend.BackendOptions;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * A small fixed crew of daemon threads that run the parallel parts of one {@link CpuBackend}: {@link CpuGemm}, and
 * the per-image-group work of convolutions and pooling ({@link #forEach}). Each backend owns its crew, sized by its
 * thread count, and closes it with the backend; two backends in one JVM never share threads.
 *
 * <p>Why not a {@code ForkJoinPool}: a lenet training step is a burst of a dozen GEMMs of a few hundred
 * microseconds each, and waking a parked pool thread costs tens of microseconds every time. These workers spin
 * briefly (bounded by {@link #SPIN_NANOS}) after each job before parking, so back-to-back GEMMs hand work over in
 * about a microsecond, while an idle process still parks and burns nothing.
 *
 * <p>Only one job runs at a time. A caller that finds the crew busy (another thread's GEMM, or a GEMM issued from
 * inside a task) runs all its tasks itself, so concurrent callers are safe and never deadlock.
 */
final class GemmWorkers implements AutoCloseable {
    /** How long an idle worker keeps spinning for the next job before it parks. */
    static final long SPIN_NANOS = 200_000;
    /** The most threads a crew has: 31 workers (one bit each in the parked mask) and the caller. */
    static final int MAX_THREADS = BackendOptions.MAX_CPU_THREADS;

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

        /** Runs claimed tasks until none are left; {@code crewTasks} counts those a worker (not the caller) ran. */
        void work(AtomicLong crewTasks) {
            for (int t; (t = next.getAndIncrement()) < tasks; ) {
                try {
                    if (crewTasks != null) crewTasks.incrementAndGet();
                    body.accept(t);
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    private final int threads;
    private final Thread[] crew;
    private final ReentrantLock entry = new ReentrantLock();
    private volatile Job current;
    private volatile boolean closed;
    /** Calls inside {@link #alone}: while any is, every job runs on its caller. */
    private final AtomicInteger alone = new AtomicInteger();
    /** Bit i set while worker i is (about to be) parked. */
    private final AtomicInteger parkedMask = new AtomicInteger();
    /** Tasks the crew's threads (not callers) have run: how much work really ran in parallel. */
    private final AtomicLong crewTasks = new AtomicLong();

    /** Starts {@code threads - 1} workers, so that with the caller {@code threads} run each job. */
    GemmWorkers(int threads) {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("CPU threads must be 1 to " + MAX_THREADS + ", got " + threads);
        }
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

    /** Whether the crew's threads may read and write {@code segment} (false for a segment of a confined arena). */
    boolean canShare(MemorySegment segment) {
        return crew.length == 0 || segment.isAccessibleBy(crew[0]);
    }

    /** Threads that take part in a job, the caller included (1 inside {@link #alone}). */
    int threads() {
        return alone.get() > 0 ? 1 : threads;
    }

    /**
     * Runs {@code body} with every job it issues on the calling thread alone, as on a crew of one: the kernels then cut
     * nothing into pieces for other threads ({@link #threads()} is 1), so no data moves between the cores' caches.
     */
    void alone(Runnable body) {
        alone.incrementAndGet();
        try {
            body.run();
        } finally {
            alone.decrementAndGet();
        }
    }

    /**
     * Runs {@code body.accept(0 .. tasks-1)} on the crew when it is free and may touch every one of
     * {@code segments}, otherwise on the caller, and returns when all are done. Tasks must write disjoint memory
     * (or memory of their own) and must not depend on which thread runs them: results then do not depend on the
     * number of threads. A GEMM issued inside a task runs on that task's thread.
     */
    void forEach(int tasks, IntConsumer body, MemorySegment... segments) {
        for (MemorySegment s : segments) {
            if (s != null && !canShare(s)) {
                for (int t = 0; t < tasks; t++) body.accept(t);
                return;
            }
        }
        run(tasks, body);
    }

    /** Tasks that the crew's threads, rather than their callers, have run since it started (diagnostics and tests). */
    long crewTasks() {
        return crewTasks.get();
    }

    /** Whether every worker thread has ended (after {@link #close()}). */
    boolean stopped() {
        for (Thread t : crew) if (t.isAlive()) return false;
        return true;
    }

    /** Stops the workers (each ends when it next looks for a job); jobs issued later run on their callers. */
    @Override
    public void close() {
        closed = true;
        for (Thread t : crew) LockSupport.unpark(t);
    }

    /**
     * Runs {@code body.accept(0 .. tasks-1)}, in parallel when the crew is free, and returns when all are done.
     * The first failure of any task is rethrown here.
     */
    void run(int tasks, IntConsumer body) {
        // A job issued from inside a task (on the caller's thread, which holds the lock re-entrantly, or on a
        // worker) runs on that thread: one job at a time.
        if (tasks <= 1 || crew.length == 0 || closed || alone.get() > 0 || entry.isHeldByCurrentThread() || !entry.tryLock()) {
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
            job.work(null);
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
        while (!closed) {
            Job job = current;
            if (job != null && job != seen) {
                seen = job;
                job.work(crewTasks);
                continue;
            }
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (((job = current) == null || job == seen) && !closed) {
                if (System.nanoTime() < spinUntil) {
                    for (int i = 0; i < 64; i++) Thread.onSpinWait();
                    Thread.yield(); // nearly free on an idle core; hands it over when other processes need it
                } else {
                    // Announce the park, then re-check: a publisher writes `current` before reading the mask.
                    parkedMask.getAndUpdate(m -> m | bit);
                    job = current;
                    if ((job == null || job == seen) && !closed) LockSupport.park(this);
                    parkedMask.getAndUpdate(m -> m & ~bit);
                }
            }
        }
    }
}
