package io.cameldblog.mysql;

import java.util.HexFormat;
import java.util.List;

import com.github.shyiko.mysql.binlog.event.deserialization.ColumnType;
import io.cameldblog.core.json.ChangeEventJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MySQL logs a JSON column in its binary JSON format (MariaDB logs JSON as text, so no server here produces it).
 * These values are encoded by hand from the format MySQL documents in {@code sql/json_binary.h}: a type byte, then
 * for an object the element count, the size, key entries (offset, length), value entries (type, inline value or
 * offset), the keys and the values.
 */
class MysqlBinaryJsonTest {

    @Test
    void aSmallObjectWithAnInlineIntegerAndAString() {
        // {"a":1,"b":"x"}: 2 elements, 22 bytes; "a" inline int16 1, "b" a string at offset 20
        byte[] bytes = HexFormat.of().parseHex("00" + "0200" + "1600" + "12000100" + "13000100" + "050100"
                                               + "0c1400" + "6162" + "0178");
        assertThat(ChangeEventJson.write(decode(bytes))).isEqualTo("{\"a\":1,\"b\":\"x\"}");
    }

    @Test
    void aSmallArrayWithLiteralsAndADouble() {
        // [true,null,2.5]: 3 elements, 21 bytes; two inline literals, the double at offset 13
        byte[] bytes = HexFormat.of().parseHex("02" + "0300" + "1500" + "040100" + "040000" + "0b0d00"
                                               + "0000000000000440");
        assertThat(ChangeEventJson.write(decode(bytes))).isEqualTo("[true,null,2.5]");
    }

    @Test
    void aScalarString() {
        // a document that is just a string: type 0x0c, length 5, "hello"
        byte[] bytes = HexFormat.of().parseHex("0c" + "05" + "68656c6c6f");
        assertThat(decode(bytes)).isEqualTo("hello");
    }

    private static Object decode(byte[] bytes) {
        return ColumnValueDecoder.decode(new ColumnSpec("doc", ColumnType.JSON, 4, false, null, List.of(), false),
                bytes);
    }
}
