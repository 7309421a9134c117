package io.cameldblog.core.consumer;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import io.cameldblog.core.ChangeEvent;
import io.cameldblog.core.DbLogConstants;
import org.apache.camel.Exchange;
import org.apache.camel.resume.Resumable;

/**
 * The headers of one change event as a map sorted the way Camel sorts header names (case-insensitively), handed to
 * the message in one {@code putAll}.
 * <p>
 * Camel's default header map is a {@code TreeMap} ordered by {@link String#CASE_INSENSITIVE_ORDER}: setting the
 * eight headers one by one compares each name with the others case-insensitively, and as they all start with
 * {@code CamelDbLog} each comparison reads a dozen characters. An empty {@code TreeMap} given a {@link SortedMap} of
 * the same order by {@code putAll} builds itself from it in one pass without comparing anything. Any other header
 * map (a custom {@code HeadersMapFactory}, headers already set) takes the entries one by one, as before. Names and
 * values are those {@code setHeader} would set: every {@link DbLogConstants} header, even when its value is null,
 * and {@link Exchange#OFFSET} when the event has a position.
 */
final class ChangeEventHeaders extends AbstractMap<String, Object> implements SortedMap<String, Object> {

    private static final Comparator<String> ORDER = String.CASE_INSENSITIVE_ORDER;
    private static final String[] NAMES = { DbLogConstants.SOURCE, DbLogConstants.DATABASE, DbLogConstants.TABLE,
            DbLogConstants.OPERATION, DbLogConstants.POSITION, DbLogConstants.TIMESTAMP, DbLogConstants.KEY,
            Exchange.OFFSET };
    /** {@link #NAMES} indexes in header order. */
    private static final int[] SORTED = sortedIndexes();
    private static final int OFFSET = NAMES.length - 1;

    private final Object[] values = new Object[NAMES.length];
    private final boolean hasOffset;

    ChangeEventHeaders(ChangeEvent event, Resumable offset) {
        values[0] = event.source().connector();
        values[1] = event.source().db();
        values[2] = event.source().qualifiedTable();
        values[3] = event.op().name();
        values[4] = event.source().position();
        values[5] = event.source().tsMs();
        values[6] = event.key();
        values[OFFSET] = offset;
        hasOffset = offset != null;
    }

    private static int[] sortedIndexes() {
        Integer[] order = new Integer[NAMES.length];
        Arrays.setAll(order, i -> i);
        Arrays.sort(order, (a, b) -> ORDER.compare(NAMES[a], NAMES[b]));
        return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
    }

    private boolean present(int name) {
        return name != OFFSET || hasOffset;
    }

    @Override
    public Comparator<? super String> comparator() {
        return ORDER;
    }

    @Override
    public int size() {
        return hasOffset ? NAMES.length : NAMES.length - 1;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next = skipAbsent(0);

                    private int skipAbsent(int from) {
                        int i = from;
                        while (i < SORTED.length && !present(SORTED[i])) {
                            i++;
                        }
                        return i;
                    }

                    @Override
                    public boolean hasNext() {
                        return next < SORTED.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (!hasNext()) {
                            throw new NoSuchElementException();
                        }
                        int name = SORTED[next];
                        next = skipAbsent(next + 1);
                        return new SimpleImmutableEntry<>(NAMES[name], values[name]);
                    }
                };
            }

            @Override
            public int size() {
                return ChangeEventHeaders.this.size();
            }
        };
    }

    @Override
    public String firstKey() {
        return entrySet().iterator().next().getKey();
    }

    @Override
    public String lastKey() {
        for (int i = SORTED.length - 1; ; i--) {
            if (present(SORTED[i])) {
                return NAMES[SORTED[i]];
            }
        }
    }

    // the range views are not on the hot path: a copy answers them

    @Override
    public SortedMap<String, Object> subMap(String fromKey, String toKey) {
        return new TreeMap<>(this).subMap(fromKey, toKey);
    }

    @Override
    public SortedMap<String, Object> headMap(String toKey) {
        return new TreeMap<>(this).headMap(toKey);
    }

    @Override
    public SortedMap<String, Object> tailMap(String fromKey) {
        return new TreeMap<>(this).tailMap(fromKey);
    }
}
