package io.cameldblog.postgres;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cameldblog.core.Operation;

/**
 * Decodes the binary protocol of PostgreSQL's built-in {@code pgoutput} plugin (protocol version 1, values in
 * text format): see "Logical Replication Message Formats" in the PostgreSQL manual.
 * <p>
 * Relation messages arrive once per table and connection (and again after its schema changes); row messages
 * refer to them by id, so the cache lives as long as the replication connection.
 */
final class PgOutputDecoder implements PgPluginDecoder {

    private final Map<Integer, PgRelation> relations = new HashMap<>();
    private final PgValueConverter values;
    private final KeyColumns keys;

    /** Looks up a table's primary key columns (the catalogue knows them; pgoutput only sends the identity). */
    interface KeyColumns {
        List<String> of(int relationId);
    }

    PgOutputDecoder(PgValueConverter values, KeyColumns keys) {
        this.values = values;
        this.keys = keys;
    }

    /** @return the message, or null for messages that only update the decoder's caches (Relation, Type, Origin) */
    @Override
    public PgMessage decode(ByteBuffer buf, long receiveLsn) {
        char tag = (char) buf.get();
        switch (tag) {
            case 'B':
                return new PgMessage.Begin(buf.getLong(), buf.getLong(), Integer.toUnsignedLong(buf.getInt()));
            case 'C': {
                buf.get(); // flags, unused
                return new PgMessage.Commit(buf.getLong(), buf.getLong(), buf.getLong());
            }
            case 'R':
                relation(buf);
                return null;
            case 'Y': {
                int oid = buf.getInt();
                String schema = string(buf);
                String name = string(buf);
                values.types().announce(oid, schema, name);
                return null;
            }
            case 'O':
                // origin of a transaction replayed from elsewhere: nothing a consumer acts on
                return null;
            case 'I': {
                PgRelation rel = relation(buf.getInt());
                expect(buf, 'N');
                Tuple t = tuple(buf, rel, false);
                return new PgMessage.Row(rel, Operation.INSERT, null, t.values, t.unchanged, receiveLsn);
            }
            case 'U':
                return update(buf, receiveLsn);
            case 'D': {
                PgRelation rel = relation(buf.getInt());
                char kind = (char) buf.get();
                Tuple old = tuple(buf, rel, kind == 'K');
                return new PgMessage.Row(rel, Operation.DELETE, old.values, null, Set.of(), receiveLsn);
            }
            case 'T': {
                int n = buf.getInt();
                int options = buf.get();
                List<PgRelation> rels = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    rels.add(relation(buf.getInt()));
                }
                return new PgMessage.Truncate(rels, (options & 1) != 0, (options & 2) != 0);
            }
            case 'M': {
                boolean transactional = (buf.get() & 1) != 0;
                long lsn = buf.getLong();
                String prefix = string(buf);
                byte[] content = new byte[buf.getInt()];
                buf.get(content);
                return new PgMessage.LogicalMessage(transactional, lsn, prefix, content);
            }
            default:
                throw new IllegalStateException("Unknown pgoutput message type '" + tag + "' (0x"
                                                + Integer.toHexString(tag) + "): is the server newer than protocol"
                                                + " version 1 allows?");
        }
    }

    private PgMessage update(ByteBuffer buf, long receiveLsn) {
        PgRelation rel = relation(buf.getInt());
        char kind = (char) buf.get();
        Map<String, Object> before = null;
        if (kind == 'K' || kind == 'O') {
            before = tuple(buf, rel, kind == 'K').values;
            kind = (char) buf.get();
        }
        if (kind != 'N') {
            throw new IllegalStateException("pgoutput Update without a new tuple (got '" + kind + "')");
        }
        Tuple after = tuple(buf, rel, false);
        if (before == null) {
            // key unchanged under REPLICA IDENTITY DEFAULT/INDEX: the server sends no old tuple; the key columns of
            // the new row are the old ones, so the before image is the key as with a changed key
            before = new LinkedHashMap<>();
            for (PgRelation.Column c : rel.columns()) {
                if (c.identity() && after.values.containsKey(c.name())) {
                    before.put(c.name(), after.values.get(c.name()));
                }
            }
        }
        return new PgMessage.Row(rel, Operation.UPDATE, before, after.values, after.unchanged, receiveLsn);
    }

    private void relation(ByteBuffer buf) {
        int id = buf.getInt();
        String schema = string(buf);
        if (schema.isEmpty()) {
            schema = "pg_catalog";
        }
        String table = string(buf);
        char identity = (char) buf.get();
        int n = Short.toUnsignedInt(buf.getShort());
        List<PgRelation.Column> columns = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean key = (buf.get() & 1) != 0;
            String name = string(buf);
            int type = buf.getInt();
            int mod = buf.getInt();
            columns.add(new PgRelation.Column(name, type, mod, key));
        }
        List<String> keyColumns = keys.of(id);
        if (keyColumns.isEmpty() && identity != 'f') {
            keyColumns = columns.stream().filter(PgRelation.Column::identity).map(PgRelation.Column::name).toList();
        }
        relations.put(id, new PgRelation(id, schema, table, identity, List.copyOf(columns), keyColumns));
    }

    private PgRelation relation(int id) {
        PgRelation rel = relations.get(id);
        if (rel == null) {
            throw new IllegalStateException("pgoutput row for relation " + id + " before its Relation message");
        }
        return rel;
    }

    private record Tuple(Map<String, Object> values, Set<String> unchanged) {
    }

    /** @param keyOnly an old-key tuple: only identity columns carry values, the others are nulls to leave out */
    private Tuple tuple(ByteBuffer buf, PgRelation rel, boolean keyOnly) {
        int n = Short.toUnsignedInt(buf.getShort());
        Map<String, Object> row = new LinkedHashMap<>();
        Set<String> unchanged = Set.of();
        for (int i = 0; i < n; i++) {
            PgRelation.Column col = i < rel.columns().size() ? rel.columns().get(i) : null;
            char kind = (char) buf.get();
            Object value;
            switch (kind) {
                case 'n':
                    value = null;
                    break;
                case 'u':
                    // unchanged TOASTed value: not sent; named instead of faked
                    if (unchanged.isEmpty()) {
                        unchanged = new LinkedHashSet<>();
                    }
                    unchanged.add(col == null ? "#" + i : col.name());
                    continue;
                case 't': {
                    byte[] bytes = new byte[buf.getInt()];
                    buf.get(bytes);
                    value = col == null ? null
                            : values.fromText(col.typeOid(), new String(bytes, StandardCharsets.UTF_8));
                    break;
                }
                case 'b': {
                    byte[] bytes = new byte[buf.getInt()];
                    buf.get(bytes);
                    value = bytes;
                    break;
                }
                default:
                    throw new IllegalStateException("Unknown pgoutput tuple value kind '" + kind + "'");
            }
            if (col == null || (keyOnly && !col.identity())) {
                continue;
            }
            row.put(col.name(), value);
        }
        return new Tuple(row, unchanged);
    }

    private static void expect(ByteBuffer buf, char expected) {
        char got = (char) buf.get();
        if (got != expected) {
            throw new IllegalStateException("pgoutput: expected '" + expected + "' but got '" + got + "'");
        }
    }

    private static String string(ByteBuffer buf) {
        int start = buf.position();
        int end = start;
        while (buf.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        buf.get(bytes);
        buf.get(); // the terminating zero
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
