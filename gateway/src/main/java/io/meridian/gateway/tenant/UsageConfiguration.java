package io.meridian.gateway.tenant;

import io.meridian.boot.AdminCredential;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code /v1/usage} ({@link UsageEndpoint}), always answered by the gateway: a router function is
 * matched before the gateway's route to the regions, on the canonical path, so no spelling of it
 * reaches a region.
 */
@Configuration(proxyBeanMethods = false)
class UsageConfiguration {

    @Bean
    RouterFunction<ServerResponse> usageRoute(ObjectProvider<TenantDirectory> directory, ObjectProvider<UsageLedger> ledger,
            AdminCredential admin, PricingProperties pricing, ObjectProvider<SpendCeiling> ceiling) {
        UsageEndpoint endpoint = new UsageEndpoint(directory.getIfAvailable(), ledger.getIfAvailable(), admin,
                pricing.currency(), ceiling.getIfAvailable());
        return RouterFunctions.route(RequestPredicates.path(UsageEndpoint.PATH).or(RequestPredicates.path(UsageEndpoint.PATH + "/")),
                endpoint::handle);
    }
}
