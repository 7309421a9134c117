package io.cameldblog.core;

/**
 * What happened to a row or document. The one-letter code is Debezium's {@code op} field, the name is
 * what the {@code CamelDbLogOperation} header carries.
 */
public enum Operation {
    INSERT("c"),
    UPDATE("u"),
    DELETE("d"),
    READ("r"),
    TRUNCATE("t");

    private final String code;

    Operation(String code) {
        this.code = code;
    }

    /** Debezium's envelope code: {@code c}, {@code u}, {@code d}, {@code r}, {@code t}. */
    public String code() {
        return code;
    }

    public static Operation fromCode(String code) {
        for (Operation op : values()) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        throw new IllegalArgumentException("Unknown operation code '" + code + "' (expected one of c, u, d, r, t)");
    }
}
