package io.cameldblog.core.resume;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.apache.camel.resume.cache.ResumeCache;

/**
 * A plain map as Camel's resume cache. camel-dblog consumers read positions through {@link DbLogResumeAdapter};
 * this only satisfies the generic adapter Camel gives a consumer that wraps ours ({@code master:}), which
 * insists on a cache.
 */
final class MapResumeCache implements ResumeCache<Object> {

    private final Map<Object, Object> entries = new ConcurrentHashMap<>();

    @Override
    @SuppressWarnings("unchecked")
    public Object computeIfAbsent(Object key, Function<? super Object, ? super Object> mapping) {
        return entries.computeIfAbsent(key, k -> mapping.apply(k));
    }

    @Override
    public Object computeIfPresent(Object key, BiFunction<? super Object, ? super Object, ? super Object> remapping) {
        return entries.computeIfPresent(key, (k, v) -> remapping.apply(k, v));
    }

    @Override
    public boolean contains(Object key, Object entry) {
        return entry != null && entry.equals(entries.get(key));
    }

    @Override
    public void add(Object key, Object offsetValue) {
        entries.put(key, offsetValue);
    }

    @Override
    public boolean isFull() {
        return false;
    }

    @Override
    public long capacity() {
        return Long.MAX_VALUE;
    }

    @Override
    public <T> T get(Object key, Class<T> clazz) {
        return clazz.cast(entries.get(key));
    }

    @Override
    public Object get(Object key) {
        return entries.get(key);
    }

    @Override
    public void forEach(BiFunction<? super Object, ? super Object, Boolean> action) {
        for (Map.Entry<Object, Object> e : entries.entrySet()) {
            if (!Boolean.TRUE.equals(action.apply(e.getKey(), e.getValue()))) {
                break;
            }
        }
    }
}
