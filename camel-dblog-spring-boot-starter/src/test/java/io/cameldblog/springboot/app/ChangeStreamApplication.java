package io.cameldblog.springboot.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A user's application: nothing but the starter, application.yaml and a YAML route. The test classpath holds all
 * three components, so the MongoDB driver is present: Spring Boot's own MongoDB client (localhost:27017) is not
 * wanted here.
 */
@SpringBootApplication(excludeName = "org.springframework.boot.autoconfigure.mongo.MongoAutoConfiguration")
public class ChangeStreamApplication {

    public static void main(String[] args) {
        SpringApplication.run(ChangeStreamApplication.class, args);
    }
}
