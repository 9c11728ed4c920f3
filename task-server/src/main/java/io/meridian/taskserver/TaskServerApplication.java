package io.meridian.taskserver;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Entry point of the regional task server. The only setting without a default is the region id:
 * {@code --meridian.server.region=us-east}.
 */
@SpringBootApplication
public class TaskServerApplication {

    /**
     * Starts the task server.
     *
     * @param args Spring Boot command-line arguments, e.g. {@code --server.port=9001}
     */
    public static void main(String[] args) {
        SpringApplication.run(TaskServerApplication.class, args);
    }
}
