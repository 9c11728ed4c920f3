package io.meridian.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class AdminCredentialTests {

    static final String TOKEN = "an-admin-token";

    final AdminCredential credential = new AdminCredential(AdminCredential.hash(TOKEN));

    @Test
    void theHashIsTheTokensSha256InLowerCaseHex() {
        assertThat(AdminCredential.hash("actuator-admin-token"))
                .isEqualTo("a003c1868501e8c750111469397336e47730bfd7312d6b56239a554ed3ce1160");
    }

    @Test
    void theBearerTokenWhoseHashIsConfiguredIsAccepted() {
        assertThat(credential.refusal("Bearer " + TOKEN)).isNull();
        assertThat(credential.refusal("bearer  " + TOKEN + " ")).isNull();
        assertThat(credential.accepts("Bearer " + TOKEN)).isTrue();
    }

    @Test
    void aHashConfiguredInUpperCaseOrWithSpacesIsTheSameHash() {
        AdminCredential upper = new AdminCredential(" " + AdminCredential.hash(TOKEN).toUpperCase() + "\n");
        assertThat(upper.accepts("Bearer " + TOKEN)).isTrue();
    }

    @Test
    void aMissingOrWrongTokenIsRefusedWithAReasonThatNamesNeitherTokenNorHash() {
        assertThat(credential.refusal(null)).isEqualTo("an admin bearer token is required (Authorization: Bearer <token>)");
        assertThat(credential.refusal("Basic " + TOKEN)).contains("bearer token is required");
        assertThat(credential.refusal("Bearer " + TOKEN + "x")).isEqualTo("the admin token is not valid");
        assertThat(credential.accepts("Bearer wrong")).isFalse();
        assertThat(credential.refusal("Bearer wrong")).doesNotContain(AdminCredential.hash(TOKEN));
    }

    @Test
    void withNoHashConfiguredEveryCallIsRefusedEvenOneThatSendsATokenWhoseHashIsEmpty() {
        for (AdminCredential none : new AdminCredential[] {new AdminCredential(null), new AdminCredential("  ")}) {
            assertThat(none.refusal("Bearer " + TOKEN)).isEqualTo(
                    "no admin token is configured on this server (meridian.admin.token-sha256)");
            assertThat(none.accepts("Bearer ")).isFalse();
        }
    }

    @Test
    void aHashThatIsNotSixtyFourHexDigitsStopsWithItsLengthAndNeverItsValue() {
        assertThatIllegalArgumentException().isThrownBy(() -> new AdminCredential("secret-token"))
                .withMessage("meridian.admin.token-sha256 must be the SHA-256 of the admin token as 64 hex digits, "
                        + "but was 12 characters long");
        assertThatIllegalArgumentException().isThrownBy(() -> new AdminCredential("g".repeat(64)));
        assertThatIllegalArgumentException().isThrownBy(() -> new AdminProperties("a".repeat(63)));
    }
}
