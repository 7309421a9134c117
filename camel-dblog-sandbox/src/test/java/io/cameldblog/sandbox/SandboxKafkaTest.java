package io.cameldblog.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The in-JVM broker takes records, and a restart from the same directory keeps them at the same address. */
class SandboxKafkaTest {

    @TempDir
    Path dir;

    @Test
    void recordsSurviveARestartOfTheBroker() throws Exception {
        String address;
        try (SandboxKafka kafka = SandboxKafka.startIn(dir)) {
            address = kafka.bootstrapServers();
            send(address, "before");
        }
        try (SandboxKafka kafka = SandboxKafka.startIn(dir)) {
            assertThat(kafka.bootstrapServers()).isEqualTo(address);
            send(address, "after");
            assertThat(readAll(address, 2)).containsExactly("before", "after");
        }
    }

    private static void send(String address, String value) throws Exception {
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", address, "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>("sandbox.check", "k", value)).get();
        }
    }

    private static List<String> readAll(String address, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", address,
                "group.id", "check", "auto.offset.reset", "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            c.subscribe(List.of("sandbox.check"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return values.size() >= expected;
            });
        }
        return values;
    }
}
