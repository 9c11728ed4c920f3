package io.meridian.gateway.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import reactor.netty.http.client.HttpClient;

/**
 * How the gateway's clients reach {@code https} region endpoints: with the gateway's own
 * certificate and the regions' CA from the SSL bundle {@code meridian.tls.region-client-bundle}
 * (mutual TLS: a task server configured with {@code server.ssl.client-auth: need} accepts no one
 * else), or, without a bundle, with the JDK's default trust and no client certificate.
 *
 * <p>A renewed bundle (Spring Boot's {@code reload-on-update}) replaces the TLS context; the clients
 * that registered through {@link #onChange} build new connections with it, while connections already
 * open finish their requests.
 */
public final class RegionClientTls {

    private static final Logger log = LoggerFactory.getLogger(RegionClientTls.class);

    private final @Nullable String bundleName;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile @Nullable SslContext context;

    RegionClientTls(@Nullable String bundleName, @Nullable SslBundles bundles) {
        this.bundleName = bundleName;
        if (bundleName != null) {
            if (bundles == null) {
                throw new IllegalStateException("meridian.tls.region-client-bundle is set but no SSL bundles are configured");
            }
            this.context = build(bundles.getBundle(bundleName));
            bundles.addBundleUpdateHandler(bundleName, bundle -> {
                this.context = build(bundle);
                log.info("Region client certificate bundle '{}' reloaded", bundleName);
                listeners.forEach(Runnable::run);
            });
        }
    }

    /** No bundle: default trust, no client certificate. */
    public static RegionClientTls none() {
        return new RegionClientTls(null, null);
    }

    /** {@code client} made to speak TLS to a region endpoint, as configured. */
    public HttpClient secure(HttpClient client) {
        SslContext current = context;
        return current == null ? client.secure() : client.secure(spec -> spec.sslContext(current));
    }

    /**
     * A connector for WebClients that talk to region endpoints: {@code https} URLs through
     * {@code base} made secure as configured (rebuilt when the bundle is renewed), others through
     * {@code base} as it is.
     */
    public ClientHttpConnector connector(HttpClient base) {
        ReactorClientHttpConnector plain = new ReactorClientHttpConnector(base);
        AtomicReference<ReactorClientHttpConnector> secure = new AtomicReference<>(new ReactorClientHttpConnector(secure(base)));
        onChange(() -> secure.set(new ReactorClientHttpConnector(secure(base))));
        return (method, uri, request) -> ("https".equalsIgnoreCase(uri.getScheme()) ? secure.get() : plain)
                .connect(method, uri, request);
    }

    /** Whether the gateway presents a client certificate to the regions. */
    public boolean mutual() {
        return bundleName != null;
    }

    /** Runs {@code listener} whenever the bundle is renewed, so that its clients are rebuilt. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private static SslContext build(SslBundle bundle) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient()
                    .keyManager(bundle.getManagers().getKeyManagerFactory())
                    .trustManager(bundle.getManagers().getTrustManagerFactory());
            String[] protocols = bundle.getOptions().getEnabledProtocols();
            if (protocols != null) {
                builder.protocols(protocols);
            }
            String[] ciphers = bundle.getOptions().getCiphers();
            if (ciphers != null) {
                builder.ciphers(List.of(ciphers));
            }
            return builder.build();
        } catch (SSLException ex) {
            throw new IllegalStateException("cannot build the region client TLS context: " + ex.getMessage(), ex);
        }
    }
}
