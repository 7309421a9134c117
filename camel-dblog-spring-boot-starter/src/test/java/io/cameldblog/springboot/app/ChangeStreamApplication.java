package io.cameldblog.springboot.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A user's application: nothing but the starter, application.yaml and a YAML route. */
@SpringBootApplication
public class ChangeStreamApplication {

    public static void main(String[] args) {
        SpringApplication.run(ChangeStreamApplication.class, args);
    }
}
