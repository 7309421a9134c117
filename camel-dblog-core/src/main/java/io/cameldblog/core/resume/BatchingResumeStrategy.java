package io.cameldblog.core.resume;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.cameldblog.core.LogPosition;
import io.cameldblog.core.json.ChangeEventJson;
import org.apache.camel.resume.Offset;
import org.apache.camel.resume.OffsetKey;
import org.apache.camel.resume.Resumable;
import org.apache.camel.resume.ResumeAdapter;
import org.apache.camel.resume.ResumeStrategy;
import org.apache.camel.resume.ResumeStrategyConfiguration;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the camel-dblog resume strategies share: Camel hands over the position of each exchange that completed and
 * the consumer goes on at once; one writer thread per strategy stores the newest waiting position per endpoint as
 * soon as its previous write returned (group commit: a slow store means fewer, larger steps, never a slower
 * stream), but not more often than every {@code writeIntervalMillis}, then tells the {@link StoredPositionNotifier}
 * listeners.
 * <p>
 * A position covers everything before it, so only the newest one per endpoint is ever written. Handing over a
 * position blocks only while {@code maxUnstored} positions are handed over and not stored yet (the store is down
 * or slower than that): at most {@code maxUnstored} processed exchanges are ever unstored, which is all a kill -9
 * can make the next run deliver again (plus the one exchange whose hand-over is held). {@code batchSize} and
 * {@code batchIntervalMillis} make the writer wait for more positions, for users who want fewer writes. Stopping
 * stores the newest position. A position is never skipped: after a crash the stream restarts at the last stored one.
 * <p>
 * Handing over is lock-free and allocates nothing (a volatile write of the position and two counters): the writer
 * builds what it stores from the newest position when it writes, so a fast stream pays per exchange only for
 * the hand-over, not for the store. The consumer's thread takes a lock only when it must wait (the bound is
 * reached) or wake an idle writer.
 * <p>
 * Positions never move backwards: a store refuses a position older than the one it holds for that endpoint
 * ({@link LogPosition#compareToStored(Map)}), so a former leader writing late cannot undo a newer reader's progress;
 * {@link #readerStopped(String)} also drops what a consumer left unstored when it stops reading.
 * <p>
 * One instance may serve several routes: each route's {@code resumable()} starts and stops it, and it is really
 * stopped (client closed) with its last user.
 * <p>
 * Each stored entry is a small JSON document: {@code {"endpoint", "position", "text", "updated"}}.
 */
public abstract class BatchingResumeStrategy extends ServiceSupport implements ResumeStrategy, StoredPositionNotifier {

    /** The least time between the starts of two writes unless set otherwise: ten writes a second at most. */
    public static final long DEFAULT_WRITE_INTERVAL_MILLIS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(BatchingResumeStrategy.class);

    /**
     * The positions handed over for one endpoint: the newest, how many were handed over, and how many of those a
     * stored (or dropped) position covers; the difference is what waits. {@code newest} is written before
     * {@code handedOver} counts it, so whoever reads the count first and then the position gets one that covers at
     * least that many.
     */
    private static final class Slot {
        volatile LogPosition newest;
        final AtomicLong handedOver = new AtomicLong();
        /** Written under {@code state}. */
        volatile long covered;
        /** Its reader stopped ({@link #readerStopped}): a hand-over that still reached it counts as dropped. */
        volatile boolean dropped;

        boolean waiting() {
            return handedOver.get() > covered;
        }
    }

    /** What the writer took to store: per endpoint the newest position and how many of its slot's it covers. */
    private record Taken(String endpoint, Slot slot, LogPosition position, long covers) {
    }

    /** Read lock-free by every hand-over; slots are added and removed under {@code state}. */
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<Map<String, Object>>>> listeners = new ConcurrentHashMap<>();
    private final ReentrantLock state = new ReentrantLock();
    /** Signalled when positions arrive, a flush is asked for, or the strategy stops: wakes the writer. */
    private final Condition work = state.newCondition();
    /** Signalled when positions are stored or dropped: wakes a held consumer. */
    private final Condition room = state.newCondition();
    /** One write at a time (writer thread, {@link #flush()}, stop): a slower one must not pass a newer one. */
    private final Object storeLock = new Object();
    private final Object usersLock = new Object();

    private ResumeAdapter adapter;
    /**
     * Never null: Camel's adapter lookup for a wrapping consumer ({@code master:}) reads it and insists on a
     * cache; positions themselves are read from the store through {@link DbLogResumeAdapter}.
     */
    private ResumeStrategyConfiguration configuration = new ResumeStrategyConfiguration() {
        {
            setResumeCache(new MapResumeCache());
        }

        @Override
        public String resumeStrategyService() {
            return "dblog-resume-strategy";
        }
    };
    private int batchSize = 1;
    private long batchIntervalMillis;
    private long writeIntervalMillis = DEFAULT_WRITE_INTERVAL_MILLIS;
    private int maxUnstored = 10_000;
    private long retryMillis = 1000;

    private int users;
    private volatile Thread writer;
    /** When the oldest unstored position was handed over (0: none waits), for {@code batchIntervalMillis}. */
    private volatile long waitingSinceNanos;
    private long retryAtNanos;
    /** When the writer began its last write (0: none yet), for {@code writeIntervalMillis}. */
    private long lastWriteNanos;
    /** Handed over and not stored, over all endpoints: never above {@code maxUnstored}. */
    private final AtomicInteger unstoredTotal = new AtomicInteger();
    private final AtomicInteger mostUnstored = new AtomicInteger();
    /** The writer waits for positions; the hand-over that makes a write due clears it and wakes the writer. */
    private final AtomicInteger writerIdle = new AtomicInteger();
    /** How many unstored positions make an idle writer's write due (set by the writer before it waits). */
    private volatile int wakeAt = 1;
    private boolean storeFailing;
    private volatile boolean holding;
    private final Map<String, Boolean> refusing = new HashMap<>();

    /**
     * Writes one entry durably unless the store holds a newer position for the endpoint (see
     * {@link #storedIsNewer(LogPosition, Map)}); throws when the store is not reachable.
     *
     * @return false when the store kept its newer position
     */
    protected abstract boolean store(String endpointName, Map<String, Object> entry, LogPosition position)
            throws Exception;

    /** Every stored entry, for {@link #loadCache()}. */
    protected abstract Map<String, Map<String, Object>> loadAll() throws Exception;

    /** A short description of where positions go, for log lines. */
    protected abstract String describeStore();

    /** Whether the stored entry holds a position after {@code position}: then writing it would move it backwards. */
    protected static boolean storedIsNewer(LogPosition position, Map<String, Object> storedEntry) {
        if (storedEntry == null || !(storedEntry.get("position") instanceof Map<?, ?> map)) {
            return false;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> stored = (Map<String, Object>) map;
        OptionalInt order = position.compareToStored(stored);
        return order.isPresent() && order.getAsInt() < 0;
    }

    public int getBatchSize() {
        return batchSize;
    }

    /** Write only once this many completed exchanges wait (1, the default: as soon as the last write returned). */
    public void setBatchSize(int batchSize) {
        this.batchSize = Math.max(1, batchSize);
    }

    public long getBatchIntervalMillis() {
        return batchIntervalMillis;
    }

    /** With {@code batchSize} > 1: also write once the oldest waiting position waited this long (0: never by time). */
    public void setBatchIntervalMillis(long batchIntervalMillis) {
        this.batchIntervalMillis = Math.max(0, batchIntervalMillis);
    }

    public long getWriteIntervalMillis() {
        return writeIntervalMillis;
    }

    /**
     * The least time between the starts of two writes (100 ms by default; 0: write again as soon as the previous
     * write returned). Positions that arrive sooner wait and the newest is written then, unless half of
     * {@code maxUnstored} wait: then at once. Each write costs the store (and this machine) the same however many
     * positions it covers, so a stream of thousands of events per second costs ten writes a second, not
     * thousands; a kill -9 replays at most what arrived in the interval (and never more than {@code maxUnstored}).
     */
    public void setWriteIntervalMillis(long writeIntervalMillis) {
        this.writeIntervalMillis = Math.max(0, writeIntervalMillis);
    }

    public int getMaxUnstored() {
        return maxUnstored;
    }

    /** How many completed exchanges may be unstored (handed over, not yet stored) before the stream is held. */
    public void setMaxUnstored(int maxUnstored) {
        this.maxUnstored = Math.max(1, maxUnstored);
    }

    /** How long the writer waits before trying a failed store again. */
    public void setRetryMillis(long retryMillis) {
        this.retryMillis = Math.max(10, retryMillis);
    }

    @Override
    public void setAdapter(ResumeAdapter adapter) {
        this.adapter = adapter;
    }

    @Override
    public ResumeAdapter getAdapter() {
        return adapter;
    }

    @Override
    public void setResumeStrategyConfiguration(ResumeStrategyConfiguration configuration) {
        if (configuration != null) {
            this.configuration = configuration;
        }
    }

    @Override
    public ResumeStrategyConfiguration getResumeStrategyConfiguration() {
        return configuration;
    }

    /** Counts a user (each route's {@code resumable()} starts it): the store opens with the first. */
    @Override
    public void start() {
        synchronized (usersLock) {
            users++;
            try {
                super.start();
            } catch (RuntimeException e) {
                users--;
                throw e;
            }
        }
    }

    /** Releases a user: the store is flushed and closed only when the last one stops. */
    @Override
    public void stop() {
        synchronized (usersLock) {
            users = Math.max(0, users - 1);
            if (users == 0) {
                super.stop();
            }
        }
    }

    @Override
    public void loadCache() throws Exception {
        // a consumer may ask before the route started its services: the store must be open to be read
        synchronized (usersLock) {
            if (!isStarted() && !isStarting()) {
                super.start();
            }
        }
        if (adapter == null) {
            adapter = new DbLogResumeAdapter();
        }
        if (adapter instanceof DbLogResumeAdapter dblog) {
            for (Map.Entry<String, Map<String, Object>> e : loadAll().entrySet()) {
                Object position = e.getValue().get("position");
                if (position instanceof Map<?, ?> map) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> p = (Map<String, Object>) map;
                    dblog.put(e.getKey(), p);
                }
            }
        }
    }

    @Override
    public <T extends Resumable> void updateLastOffset(T offset) throws Exception {
        updateLastOffset(offset.getOffsetKey(), offset.getLastOffset());
    }

    @Override
    public <T extends Resumable> void updateLastOffset(T offset, UpdateCallBack callBack) throws Exception {
        updateLastOffset(offset.getOffsetKey(), offset.getLastOffset(), callBack);
    }

    @Override
    public void updateLastOffset(OffsetKey<?> key, Offset<?> offset) throws Exception {
        updateLastOffset(key, offset, null);
    }

    /** Hands the position to the writer and returns; blocks only while {@code maxUnstored} positions are unstored. */
    @Override
    public void updateLastOffset(OffsetKey<?> key, Offset<?> offset, UpdateCallBack callBack) throws Exception {
        Object value = offset.getValue();
        if (!(value instanceof LogPosition position)) {
            throw new IllegalArgumentException("A camel-dblog resume strategy stores camel-dblog positions, not "
                                               + (value == null ? "null" : value.getClass().getName()));
        }
        Object name = key.getValue();
        Throwable failure = reserveRoom();
        Slot slot = slots.get(name);
        if (slot == null) {
            slot = slotOf(String.valueOf(name));
        }
        slot.newest = position;
        slot.handedOver.incrementAndGet();
        if (slot.dropped) {
            // its reader stopped while this was handed over: dropped like the rest of the slot, counted as such
            dropLate(slot);
        } else if (batchIntervalMillis > 0 && waitingSinceNanos == 0) {
            waitingSinceNanos = System.nanoTime();
            wakeIdleWriter();
        } else if (writerIdle.get() != 0 && unstoredTotal.get() >= wakeAt) {
            wakeIdleWriter();
        }
        if (callBack != null) {
            callBack.onUpdate(failure);
        }
    }

    private void dropLate(Slot slot) {
        state.lock();
        try {
            cover(slot, slot.handedOver.get());
            room.signalAll();
        } finally {
            state.unlock();
        }
    }

    private Slot slotOf(String name) {
        state.lock();
        try {
            return slots.computeIfAbsent(name, k -> new Slot());
        } finally {
            state.unlock();
        }
    }

    /**
     * Counts one more unstored position; while {@code maxUnstored} are unstored and the writer runs, holds the caller
     * until it stored some (back-pressure). Returns the interruption that ended a hold, if any.
     */
    private Throwable reserveRoom() {
        while (true) {
            int unstored = unstoredTotal.get();
            if (unstored >= maxUnstored && writer != null && isRunAllowed()) {
                Throwable interrupted = awaitRoom();
                if (interrupted == null) {
                    continue;
                }
                unstored = unstoredTotal.getAndIncrement();
                mostUnstored.accumulateAndGet(unstored + 1, Math::max);
                return interrupted;
            }
            if (unstoredTotal.compareAndSet(unstored, unstored + 1)) {
                if (unstored >= mostUnstored.get()) {
                    mostUnstored.accumulateAndGet(unstored + 1, Math::max);
                }
                if (holding) {
                    tookPositionsAgain();
                }
                return null;
            }
        }
    }

    /** Waits while the bound is reached and the writer runs; null once there is room (or no writer to wait for). */
    private Throwable awaitRoom() {
        state.lock();
        try {
            while (unstoredTotal.get() >= maxUnstored && writer != null && isRunAllowed()) {
                if (!holding) {
                    holding = true;
                    LOG.warn("{} positions are not stored in {} yet (maxUnstored={}): holding the stream until it"
                             + " takes them", unstoredTotal.get(), describeStore(), maxUnstored);
                }
                try {
                    room.await(retryMillis, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return e;
                }
            }
            return null;
        } finally {
            state.unlock();
        }
    }

    /** A hand-over found room after the stream was held: told once, like the hold. */
    private void tookPositionsAgain() {
        state.lock();
        try {
            if (holding) {
                holding = false;
                LOG.info("{} takes positions again: the stream goes on", describeStore());
            }
        } finally {
            state.unlock();
        }
    }

    /** Wakes the writer if it waits for positions (once: the first caller to see it idle). */
    private void wakeIdleWriter() {
        if (writerIdle.compareAndSet(1, 0)) {
            state.lock();
            try {
                work.signalAll();
            } finally {
                state.unlock();
            }
        }
    }

    /**
     * The consumer of {@code endpointName} stopped reading (route stop, or it is no longer the leader behind
     * {@code master:}): its newest position is stored now if the store takes it at once, and whatever still waits is
     * dropped, so it is never written later over the position of the reader that took over.
     */
    public void readerStopped(String endpointName) {
        Slot slot = slots.get(endpointName);
        Taken taken = slot == null ? null : taken(endpointName, slot);
        // stopped before its reader (master: stops the wrapped consumer after the route's services): nothing to store
        if (taken != null && isStarted()) {
            Throwable failure;
            synchronized (storeLock) {
                failure = storeTaken(List.of(taken));
            }
            if (failure != null) {
                LOG.warn("{}: position {} not stored in {} when its reader stopped ({}); dropped, the next reader"
                         + " continues from the last stored position", endpointName, taken.position().text(),
                        describeStore(), failure.getMessage());
            }
        }
        state.lock();
        try {
            Slot removed = slots.remove(endpointName);
            if (removed != null) {
                // said before the count is read: a hand-over this count misses sees it and counts itself
                removed.dropped = true;
                cover(removed, removed.handedOver.get());
            }
            room.signalAll();
        } finally {
            state.unlock();
        }
    }

    /** Stores every waiting position now, on the caller's thread; returns the failure, if any (they keep waiting). */
    public Throwable flush() {
        synchronized (storeLock) {
            List<Taken> batch = take();
            return batch.isEmpty() ? null : storeTaken(batch);
        }
    }

    private List<Taken> take() {
        List<Taken> batch = new ArrayList<>();
        // before the counts are read: a hand-over this batch misses sees 0 and starts the interval again
        waitingSinceNanos = 0;
        slots.forEach((name, slot) -> {
            Taken t = taken(name, slot);
            if (t != null) {
                batch.add(t);
            }
        });
        return batch;
    }

    /** The slot's newest position and the count it covers (read in that order, see {@link Slot}); null if none waits. */
    private static Taken taken(String name, Slot slot) {
        long handedOver = slot.handedOver.get();
        LogPosition newest = slot.newest;
        return handedOver > slot.covered && newest != null ? new Taken(name, slot, newest, handedOver) : null;
    }

    /** Counts the slot's positions up to {@code handedOver} as stored or dropped (caller holds {@code state}). */
    private void cover(Slot slot, long handedOver) {
        long covered = handedOver - slot.covered;
        if (covered > 0) {
            slot.covered = handedOver;
            unstoredTotal.addAndGet((int) -covered);
        }
    }

    /** Writes what was taken; on failure the untaken rest keeps waiting (caller holds {@code storeLock}). */
    private Throwable storeTaken(List<Taken> batch) {
        for (Taken t : batch) {
            LogPosition stored = t.position();
            Map<String, Object> position = stored.toMap();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("endpoint", t.endpoint());
            entry.put("position", position);
            entry.put("text", stored.text());
            entry.put("updated", Instant.now().toString());
            boolean written;
            try {
                written = store(t.endpoint(), entry, stored);
            } catch (Exception ex) {
                storeFailed(ex);
                return ex;
            }
            storeSucceeded();
            noteRefusal(t, written);
            state.lock();
            try {
                // a slot dropped meanwhile (its reader stopped) counts nothing any more, nor does its successor;
                // positions handed over meanwhile stay for the next write
                if (slots.get(t.endpoint()) == t.slot()) {
                    cover(t.slot(), t.covers());
                }
                room.signalAll();
            } finally {
                state.unlock();
            }
            // refused: the store holds a newer position, which covers this one too
            for (Consumer<Map<String, Object>> listener : listeners.getOrDefault(t.endpoint(), List.of())) {
                try {
                    listener.accept(position);
                } catch (RuntimeException ex) {
                    LOG.warn("A stored-position listener of {} failed: {}", t.endpoint(), ex.getMessage(), ex);
                }
            }
        }
        return null;
    }

    /** Once per outage, not per position. */
    private void storeFailed(Exception ex) {
        if (!storeFailing) {
            storeFailing = true;
            LOG.warn("Cannot store positions in {} ({}): they wait in memory, the stream goes on until {} are"
                     + " unstored; retrying every {} ms", describeStore(), ex.getMessage(), maxUnstored, retryMillis);
        }
        LOG.debug("Storing positions in {} failed", describeStore(), ex);
    }

    private void storeSucceeded() {
        if (storeFailing) {
            storeFailing = false;
            LOG.info("{} stores positions again", describeStore());
        }
    }

    private void noteRefusal(Taken t, boolean written) {
        Boolean before = refusing.put(t.endpoint(), !written);
        if (!written && !Boolean.TRUE.equals(before)) {
            LOG.info("{} holds a newer position for {} than {}: not written back (another reader got further;"
                     + " positions never move backwards)", describeStore(), t.endpoint(), t.position().text());
        }
    }

    private void writeLoop() {
        while (true) {
            state.lock();
            try {
                while (!due()) {
                    if (!isRunAllowed() || writer != Thread.currentThread()) {
                        return;
                    }
                    // waiting for positions only (no retry pending): the hand-over that makes a write due wakes us;
                    // said before the last look at the slots, so that hand-over sees it or the look sees the position
                    wakeAt = writeIntervalPending(System.nanoTime()) ? Math.max(batchSize, halfBound()) : batchSize;
                    writerIdle.set(retryAtNanos == 0 ? 1 : 0);
                    if (due()) {
                        break;
                    }
                    long waitNanos = nanosUntilDue();
                    try {
                        if (waitNanos > 0) {
                            work.awaitNanos(waitNanos);
                        } else {
                            work.await();
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            } finally {
                writerIdle.set(0);
                state.unlock();
            }
            Throwable failure;
            synchronized (storeLock) {
                lastWriteNanos = System.nanoTime();
                List<Taken> batch = take();
                failure = batch.isEmpty() ? null : storeTaken(batch);
            }
            state.lock();
            try {
                if (failure == null) {
                    retryAtNanos = 0;
                } else {
                    retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryMillis);
                    if (waitingSinceNanos == 0) {
                        waitingSinceNanos = System.nanoTime();
                    }
                }
            } finally {
                state.unlock();
            }
        }
    }

    /**
     * Whether the writer should write now (caller holds {@code state}). Counted from the slots, not from
     * {@code unstoredTotal}: a hand-over counts there before its position is in its slot, and the writer must not
     * spin on a position it cannot take yet; the hand-over wakes it once the position is there.
     */
    private boolean due() {
        long unstored = 0;
        for (Slot slot : slots.values()) {
            unstored += slot.handedOver.get() - slot.covered;
        }
        if (unstored <= 0) {
            return false;
        }
        long now = System.nanoTime();
        if (retryAtNanos != 0 && now - retryAtNanos < 0) {
            return false;
        }
        long since = waitingSinceNanos;
        boolean enough = unstored >= batchSize
                         || batchIntervalMillis > 0 && since != 0
                            && now - since >= TimeUnit.MILLISECONDS.toNanos(batchIntervalMillis);
        return enough && (unstored >= halfBound() || !writeIntervalPending(now));
    }

    /** Whether the last write began less than {@code writeIntervalMillis} ago (caller holds {@code state}). */
    private boolean writeIntervalPending(long now) {
        return writeIntervalMillis > 0 && lastWriteNanos != 0
               && now - lastWriteNanos < TimeUnit.MILLISECONDS.toNanos(writeIntervalMillis);
    }

    /** So many unstored positions are written without waiting for the write interval: the stream is never held by it. */
    private int halfBound() {
        return Math.max(1, maxUnstored / 2);
    }

    private long nanosUntilDue() {
        long now = System.nanoTime();
        long until = 0;
        long since = waitingSinceNanos;
        if (retryAtNanos != 0 && now - retryAtNanos < 0) {
            until = retryAtNanos - now;
        } else if (batchIntervalMillis > 0 && since != 0) {
            until = Math.max(1, since + TimeUnit.MILLISECONDS.toNanos(batchIntervalMillis) - now);
        }
        if (retryAtNanos == 0 && writeIntervalPending(now)) {
            long interval = Math.max(1, lastWriteNanos + TimeUnit.MILLISECONDS.toNanos(writeIntervalMillis) - now);
            until = until == 0 ? interval : Math.min(until, interval);
        }
        return until;
    }

    @Override
    public AutoCloseable onStored(String endpointName, Consumer<Map<String, Object>> listener) {
        listeners.computeIfAbsent(endpointName, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.getOrDefault(endpointName, List.of()).remove(listener);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        // Jackson's first use loads a few hundred classes (and may set off a metaspace collection): at start, not
        // on the writer's first store while the stream runs
        ChangeEventJson.write(Map.of("endpoint", describeStore()));
        state.lock();
        try {
            retryAtNanos = 0;
            writer = new Thread(this::writeLoop, "dblog-positions-" + describeStore());
            writer.setDaemon(true);
            writer.start();
        } finally {
            state.unlock();
        }
    }

    @Override
    protected void doStop() throws Exception {
        Thread w;
        state.lock();
        try {
            w = writer;
            writer = null;
            work.signalAll();
            room.signalAll();
        } finally {
            state.unlock();
        }
        if (w != null) {
            // a write in flight finishes (the store's own timeouts bound it); waiting positions are written below
            w.join(TimeUnit.SECONDS.toMillis(30));
        }
        Throwable failure = flush();
        if (failure != null) {
            LOG.warn("Positions could not be stored in {} on stop ({}): {}; the next start replays from the last"
                     + " stored position", describeStore(), failure.getMessage(), unstoredPositions());
        }
        super.doStop();
    }

    /** Positions handed over but not stored yet, per endpoint (text form), for tests and diagnostics. */
    public Map<String, String> unstoredPositions() {
        Map<String, String> result = new HashMap<>();
        slots.forEach((name, slot) -> {
            LogPosition newest = slot.newest;
            if (slot.waiting() && newest != null) {
                result.put(name, newest.text());
            }
        });
        return result;
    }

    /** How many completed exchanges are handed over and not stored yet (what a kill -9 now would replay). */
    public int unstoredCount() {
        return unstoredTotal.get();
    }

    /** The most exchanges ever unstored at once since this strategy was created: measured, never above maxUnstored. */
    public int mostUnstored() {
        return mostUnstored.get();
    }
}
