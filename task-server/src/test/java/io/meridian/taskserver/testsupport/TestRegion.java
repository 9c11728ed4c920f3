package io.meridian.taskserver.testsupport;

/** The region every test server runs as. */
public final class TestRegion {

    /** The region id. */
    public static final String ID = "us-east";

    /** The property that sets it, for {@code @SpringBootTest(properties = ...)}. */
    public static final String PROPERTY = "meridian.server.region=" + ID;

    /** The same as a command-line argument. */
    public static final String PROPERTY_ARG = "--" + PROPERTY;

    private TestRegion() {
    }
}
