package io.meridian.gateway.tenant;

/** The ledger of one gateway's memory. */
class LocalUsageLedgerTests extends UsageLedgerContract {

    @Override
    UsageLedger ledger() {
        return new LocalUsageLedger(clock, TTL);
    }
}
