package io.cameldblog.core;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The source-specific fields of one {@link SourceInfo}, read-only, in the order they were added. Made for every
 * change event (a MySQL row carries five: file, pos, row, server_id, gtid): two arrays instead of a linked hash map
 * with an entry per field, a table and a read-only wrapper. A handful of keys is searched faster in a row than
 * hashed.
 */
final class SourceExtras extends AbstractMap<String, Object> {

    private String[] keys;
    private Object[] values;
    private int size;

    SourceExtras() {
    }

    /**
     * Adds or replaces a field: only its {@link SourceInfo.Builder}, while it builds ({@code put} and the other
     * changes of the map's API are refused, as {@link AbstractMap} refuses them).
     */
    void add(String key, Object value) {
        int i = indexOf(key);
        if (i >= 0) {
            values[i] = value;
            return;
        }
        if (keys == null) {
            keys = new String[6];
            values = new Object[6];
        } else if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        keys[size] = key;
        values[size] = value;
        size++;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    private int indexOf(Object key) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
