/**
 * Local servers for tests and the demo sandbox, each on a free port with the settings change capture needs
 * (binary log in ROW format, {@code wal_level=logical}, an oplog), started from Maven artifacts alone.
 */
package io.cameldblog.sandbox;
