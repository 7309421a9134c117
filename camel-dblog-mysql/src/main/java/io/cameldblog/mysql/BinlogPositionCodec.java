package io.cameldblog.mysql;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cameldblog.core.PositionCodec;

/**
 * Reads binlog positions: the map a resume strategy stored, or the {@code file:pos} text a user writes in
 * {@code startPosition}.
 */
public final class BinlogPositionCodec implements PositionCodec<BinlogPosition> {

    public static final BinlogPositionCodec INSTANCE = new BinlogPositionCodec();

    private static final Pattern FILE_POS = Pattern.compile("([^:\\s]+):(\\d+)");

    @Override
    public BinlogPosition fromMap(Map<String, Object> stored) {
        Object file = stored.get("file");
        Object pos = stored.get("pos");
        if (!(file instanceof String) || !(pos instanceof Number)) {
            throw new IllegalArgumentException("a binlog position needs 'file' (text) and 'pos' (number): " + stored);
        }
        Object rows = stored.getOrDefault("rows", 0);
        Object gtids = stored.get("gtids");
        return new BinlogPosition((String) file, ((Number) pos).longValue(),
                rows instanceof Number n ? n.longValue() : 0, gtids == null ? null : gtids.toString());
    }

    @Override
    public BinlogPosition parse(String text) {
        Matcher m = FILE_POS.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected <binlog file>:<offset>, e.g. mysql-bin.000003:4, but got '"
                                               + text + "'");
        }
        return BinlogPosition.of(m.group(1), Long.parseLong(m.group(2)));
    }
}
