package io.meridian.gateway.tenant;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** The UTC windows limits are counted in: a minute, a day, a calendar month. */
record Windows(long minute, long day, int month) {

    static Windows at(Instant now) {
        long seconds = now.getEpochSecond();
        LocalDate date = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return new Windows(Math.floorDiv(seconds, 60), date.toEpochDay(), date.getYear() * 100 + date.getMonthValue());
    }

    Instant minuteEnds() {
        return Instant.ofEpochSecond((minute + 1) * 60);
    }

    Instant dayEnds() {
        return LocalDate.ofEpochDay(day + 1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    Instant monthEnds() {
        ZonedDateTime start = LocalDate.of(month / 100, month % 100, 1).atStartOfDay(ZoneOffset.UTC);
        return start.plusMonths(1).toInstant();
    }
}
