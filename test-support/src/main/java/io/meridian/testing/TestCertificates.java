package io.meridian.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificate authorities for tests, made by the project's own {@code bin/local-ca} (the JDK's
 * keytool), exactly as the local stack makes them: one directory per CA under the system temporary
 * directory, created once per JVM.
 *
 * <p>{@link #ca(String)} returns a CA by name; different names are different CAs, which is how a
 * test gets a certificate "from another CA".
 */
public final class TestCertificates {

    private static final Map<String, TestCertificates> AUTHORITIES = new ConcurrentHashMap<>();

    private final Path directory;
    private final String password;

    private TestCertificates(Path directory) throws IOException {
        this.directory = directory;
        run("init", directory.toString(), "Meridian Test CA " + directory.getFileName());
        this.password = Files.readString(directory.resolve("password"), StandardCharsets.UTF_8).strip();
    }

    /** The CA called {@code name} (created on first use). */
    public static TestCertificates ca(String name) {
        return AUTHORITIES.computeIfAbsent(name, key -> {
            try {
                return new TestCertificates(Files.createTempDirectory("meridian-ca-" + key + "-"));
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
    }

    /** A PKCS#12 keystore with a key and its certificate signed by this CA, for localhost. */
    public synchronized Path issue(String name) {
        try {
            run("issue", directory.toString(), name);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return directory.resolve(name + ".p12");
    }

    /** The PKCS#12 truststore holding this CA's certificate alone. */
    public Path truststore() {
        return directory.resolve("truststore.p12");
    }

    /** The CA's certificate in PEM. */
    public Path caPem() {
        return directory.resolve("ca.pem");
    }

    /** The password of every keystore of this CA. */
    public String password() {
        return password;
    }

    /** Key managers for the keystore of {@code name} (issued if needed). */
    public KeyManagerFactory keyManagers(String name) {
        try {
            KeyStore store = load(issue(name));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, password.toCharArray());
            return factory;
        } catch (GeneralSecurityException | IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Trust managers that trust this CA only. */
    public TrustManagerFactory trustManagers() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(load(truststore()));
            return factory;
        } catch (GeneralSecurityException | IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /**
     * Spring Boot properties of an SSL bundle over this CA: the keystore of {@code name} and this
     * CA's truststore.
     */
    public Map<String, String> bundle(String bundle, String name) {
        String prefix = "spring.ssl.bundle.jks." + bundle + ".";
        return Map.of(
                prefix + "keystore.location", "file:" + issue(name),
                prefix + "keystore.password", password,
                prefix + "keystore.type", "PKCS12",
                prefix + "truststore.location", "file:" + truststore(),
                prefix + "truststore.password", password,
                prefix + "truststore.type", "PKCS12");
    }

    private KeyStore load(Path path) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private static void run(String... args) throws IOException {
        Path script = localCa();
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("KEYTOOL", Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("bin/local-ca " + String.join(" ", args) + " failed: " + output);
            }
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** {@code bin/local-ca} of the checkout the tests run in. */
    private static Path localCa() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("bin/local-ca");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        throw new IllegalStateException("bin/local-ca not found above " + Path.of("").toAbsolutePath());
    }
}
