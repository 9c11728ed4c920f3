package io.meridian.taskserver.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The {@value TenantHeaders#TENANT} header over its input space: a tenant's name as the gateway
 * allows it is read as it is; anything else is a 400 naming the header, never a tenant and never
 * another failure; absent or blank is the anonymous tenant.
 */
class TenantNameProperties {

    @Property
    void aTenantsNameIsReadAsItIs(@ForAll("names") String name) {
        assertThat(TenantHeaders.tenant(name)).isEqualTo(name);
        assertThat(TenantHeaders.tenant(" " + name + "\t")).isEqualTo(name);
    }

    @Property
    void anythingElseIsRefusedNamingTheHeader(@ForAll("notNames") String header) {
        InvalidRequestException refused = catchThrowableOfType(InvalidRequestException.class,
                () -> TenantHeaders.tenant(header));

        assertThat(refused).as("refused: '%s'", header).isNotNull();
        assertThat(refused.code()).isEqualTo(ApiError.INVALID_HEADER);
        assertThat(refused.field()).isEqualTo(TenantHeaders.TENANT);
    }

    @Property
    void absentOrBlankIsTheAnonymousTenant(@ForAll("blanks") String blank) {
        assertThat(TenantHeaders.tenant(blank)).isEqualTo(TenantHeaders.ANONYMOUS);
        assertThat(TenantHeaders.tenant(null)).isEqualTo(TenantHeaders.ANONYMOUS);
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('0', '9');
        Arbitrary<String> rest = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-')
                .ofMaxLength(62);
        return Combinators.combine(first, rest).as((head, tail) -> head + tail);
    }

    @Provide
    Arbitrary<String> notNames() {
        // A name with one character it may not hold, or too long, or starting with '-'.
        Arbitrary<String> foreign = Combinators.combine(names(),
                        Arbitraries.chars().filter(c -> !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-'
                                && !Character.isWhitespace(c) && !Character.isSpaceChar(c)),
                        Arbitraries.integers().between(0, 63))
                .as((name, bad, at) -> {
                    int index = Math.min(at, name.length());
                    return name.substring(0, index) + bad + name.substring(index);
                });
        Arbitrary<String> tooLong = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(64).ofMaxLength(300);
        Arbitrary<String> dashFirst = names().map(name -> "-" + name);
        return Arbitraries.oneOf(foreign, tooLong, dashFirst);
    }

    @Provide
    Arbitrary<String> blanks() {
        return Arbitraries.strings().withChars(' ', '\t').ofMaxLength(5);
    }
}
