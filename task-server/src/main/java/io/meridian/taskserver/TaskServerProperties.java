package io.meridian.taskserver;

import io.meridian.protocol.RegionId;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Identity and request limits of this task server ({@value #PREFIX}.*).
 *
 * <p>A missing or malformed region stops start-up with Spring Boot's failure report naming the
 * property, the value and the rule, so that a replica never serves traffic under a wrong name: the
 * gateway routes by that name and clients see it in every answer.
 *
 * <p>The {@code @param} lines below become the IDE hints for these properties, hence plain text.
 *
 * @param region         Id of the region this server runs in, such as us-east. Required: a lowercase
 *                       letter followed by up to 62 lowercase letters, digits or dashes, the rule the
 *                       gateway routes task ids by, so that every task this server creates can be reached.
 * @param maxQueryLength Longest accepted query, in characters (Unicode code points). A longer one is
 *                       refused with 400 query_too_long.
 * @param maxRequestSize Largest accepted request body. A larger one is refused with 413
 *                       payload_too_large, before it is read when its Content-Length says so.
 * @param capacity       Tasks this server holds at once, queued or running. It is reported in the health answer
 *                       so the gateway spills over to the next region before this one is full; past
 *                       it, new requests are refused at once with 503 overloaded and Retry-After.
 * @param maxJsonDepth   Deepest nesting of a request body; deeper is refused with 400 json_too_deep.
 * @param maxMessages    Most messages in a chat completion; more is refused with 400 too_many_messages.
 * @param maxTokens      Largest {@code max_tokens} (or {@code max_completion_tokens}) a chat completion may
 *                       ask for; larger is refused with 400 max_tokens_too_large.
 */
@ConfigurationProperties(TaskServerProperties.PREFIX)
@Validated
public record TaskServerProperties(
        @NotNull(message = "must be set, e.g. --" + PREFIX + ".region=us-east")
        @Pattern(regexp = TaskServerProperties.REGION_ID_PATTERN,
                message = "must be a lowercase region id such as 'us-east' "
                        + "(a letter, then up to 62 letters, digits or '-'), but was '${validatedValue}'")
        String region,
        @DefaultValue("32000") @Positive int maxQueryLength,
        @DefaultValue("1MB") DataSize maxRequestSize,
        @DefaultValue("256") @Positive int capacity,
        @DefaultValue("32") @Positive int maxJsonDepth,
        @DefaultValue("256") @Positive int maxMessages,
        @DefaultValue("32768") @Positive int maxTokens) {

    /** Prefix of these properties. */
    public static final String PREFIX = "meridian.server";

    /**
     * What a region id looks like: {@code us-east}, {@code eu-central}, {@code ap-southeast-2}; the one
     * rule of {@link RegionId}, bounded like the gateway's, so a server never starts under an id whose
     * tasks the gateway could not route back to it.
     */
    public static final String REGION_ID_PATTERN = RegionId.PATTERN;

    /**
     * Checks what bean validation cannot express.
     *
     * @throws IllegalArgumentException if {@code maxRequestSize} is not within [1B, 2GB)
     */
    public TaskServerProperties {
        if (maxRequestSize.toBytes() < 1 || maxRequestSize.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(PREFIX + ".max-request-size must be between 1B and "
                    + Integer.MAX_VALUE + "B, but was " + maxRequestSize);
        }
    }

    /**
     * The request body limit in bytes, as the HTTP codecs take it.
     *
     * @return {@code maxRequestSize} in bytes
     */
    public int maxRequestBytes() {
        return Math.toIntExact(maxRequestSize.toBytes());
    }
}
