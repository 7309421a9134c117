package io.cameldblog.core.resume;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.cameldblog.core.LogPosition;
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
 * What the camel-dblog resume strategies share: Camel hands over the position of each exchange that completed;
 * the strategy keeps the newest per endpoint and stores it every {@code batchSize} positions, every
 * {@code batchIntervalMillis}, and on stop, then tells the {@link StoredPositionNotifier} listeners.
 * <p>
 * A position covers everything before it, so only the newest one per endpoint is ever written. When the store
 * is unreachable the stream goes on while at most {@code maxUnstored} positions wait; after that, handing over
 * a position blocks (back-pressure on the consumer) until the store takes it. A position is never skipped:
 * after a crash the stream restarts at the last stored one and delivers what came after again.
 * <p>
 * Each stored entry is a small JSON document: {@code {"endpoint", "position", "text", "updated"}}.
 */
public abstract class BatchingResumeStrategy extends ServiceSupport implements ResumeStrategy, StoredPositionNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(BatchingResumeStrategy.class);

    private final Map<String, Map<String, Object>> unstored = new LinkedHashMap<>();
    private final Map<String, List<Consumer<Map<String, Object>>>> listeners = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final Object storeLock = new Object();

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
    private ScheduledExecutorService timer;
    private int batchSize = 1;
    private long batchIntervalMillis;
    private int maxUnstored = 10_000;
    private long retryMillis = 1000;
    private int unstoredCount;

    /** Writes one entry durably; throws when the store is not reachable. */
    protected abstract void store(String endpointName, Map<String, Object> entry) throws Exception;

    /** Every stored entry, for {@link #loadCache()}. */
    protected abstract Map<String, Map<String, Object>> loadAll() throws Exception;

    /** A short description of where positions go, for log lines. */
    protected abstract String describeStore();

    public int getBatchSize() {
        return batchSize;
    }

    /** Store after this many completed exchanges (1: after each one). */
    public void setBatchSize(int batchSize) {
        this.batchSize = Math.max(1, batchSize);
    }

    public long getBatchIntervalMillis() {
        return batchIntervalMillis;
    }

    /** Also store at least this often while positions wait (0: only by count and on stop). */
    public void setBatchIntervalMillis(long batchIntervalMillis) {
        this.batchIntervalMillis = Math.max(0, batchIntervalMillis);
    }

    public int getMaxUnstored() {
        return maxUnstored;
    }

    /** How many completed exchanges may wait for an unreachable store before the stream is held. */
    public void setMaxUnstored(int maxUnstored) {
        this.maxUnstored = Math.max(1, maxUnstored);
    }

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

    @Override
    public void loadCache() throws Exception {
        // a consumer may ask before the route started its services: the store must be open to be read
        if (!isStarted() && !isStarting()) {
            start();
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

    @Override
    public void updateLastOffset(OffsetKey<?> key, Offset<?> offset, UpdateCallBack callBack) throws Exception {
        Object value = offset.getValue();
        if (!(value instanceof LogPosition position)) {
            throw new IllegalArgumentException("A camel-dblog resume strategy stores camel-dblog positions, not "
                                               + (value == null ? "null" : value.getClass().getName()));
        }
        String name = String.valueOf(key.getValue());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("endpoint", name);
        entry.put("position", position.toMap());
        entry.put("text", position.text());
        boolean flushNow;
        synchronized (lock) {
            unstored.put(name, entry);
            unstoredCount++;
            flushNow = unstoredCount >= batchSize;
        }
        Throwable failure = null;
        if (flushNow) {
            failure = flushOrHold();
        }
        if (callBack != null) {
            callBack.onUpdate(failure);
        }
    }

    /** Stores what waits; when the store fails and too much waits, keeps trying here: the stream is held. */
    private Throwable flushOrHold() {
        Throwable failure = flush();
        while (failure != null && isRunAllowed() && waiting() >= maxUnstored) {
            LOG.warn("{} positions wait for {} ({}); holding the stream until they are stored", waiting(),
                    describeStore(), failure.getMessage());
            try {
                Thread.sleep(retryMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return e;
            }
            failure = flush();
        }
        return failure;
    }

    private int waiting() {
        synchronized (lock) {
            return unstoredCount;
        }
    }

    /** Stores every waiting entry; returns the failure, if any (the entries then keep waiting). */
    public Throwable flush() {
        // one flush at a time: a slower one must not write an older position over a newer one
        synchronized (storeLock) {
            return flushWaiting();
        }
    }

    private Throwable flushWaiting() {
        Map<String, Map<String, Object>> batch;
        int count;
        synchronized (lock) {
            if (unstored.isEmpty()) {
                return null;
            }
            batch = new LinkedHashMap<>(unstored);
            count = unstoredCount;
        }
        for (Map.Entry<String, Map<String, Object>> e : batch.entrySet()) {
            Map<String, Object> entry = new LinkedHashMap<>(e.getValue());
            entry.put("updated", Instant.now().toString());
            try {
                store(e.getKey(), entry);
            } catch (Exception ex) {
                LOG.debug("Storing the position of {} in {} failed", e.getKey(), describeStore(), ex);
                return ex;
            }
            synchronized (lock) {
                // a newer position may have arrived meanwhile: it stays for the next flush
                if (unstored.get(e.getKey()) == e.getValue()) {
                    unstored.remove(e.getKey());
                }
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> position = (Map<String, Object>) entry.get("position");
            for (Consumer<Map<String, Object>> listener : listeners.getOrDefault(e.getKey(), List.of())) {
                try {
                    listener.accept(position);
                } catch (RuntimeException ex) {
                    LOG.warn("A stored-position listener of {} failed: {}", e.getKey(), ex.getMessage(), ex);
                }
            }
        }
        synchronized (lock) {
            unstoredCount = unstored.isEmpty() ? 0 : Math.max(0, unstoredCount - count);
        }
        return null;
    }

    @Override
    public AutoCloseable onStored(String endpointName, Consumer<Map<String, Object>> listener) {
        listeners.computeIfAbsent(endpointName, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> listeners.getOrDefault(endpointName, List.of()).remove(listener);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (batchIntervalMillis > 0) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dblog-resume-" + describeStore());
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(() -> {
                Throwable failure = flush();
                if (failure != null) {
                    LOG.warn("Positions not stored in {} yet ({}); retrying", describeStore(), failure.getMessage());
                }
            }, batchIntervalMillis, batchIntervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
        Throwable failure = flush();
        if (failure != null) {
            LOG.warn("Positions could not be stored in {} on stop ({}): the next start replays from the last"
                     + " stored position", describeStore(), failure.getMessage());
        }
        super.doStop();
    }

    /** Positions handed over but not stored yet, per endpoint (text form), for tests and diagnostics. */
    public Map<String, String> unstoredPositions() {
        Map<String, String> result = new HashMap<>();
        synchronized (lock) {
            unstored.forEach((k, v) -> result.put(k, String.valueOf(v.get("text"))));
        }
        return result;
    }
}
