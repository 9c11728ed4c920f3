package io.meridian.geoip;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import org.jspecify.annotations.Nullable;

/**
 * What a database file is, as far as "was it replaced?" is concerned: its size, modification time
 * and file key (device and inode on Unix). Reading it costs one {@code stat}, never the content.
 * A file replaced by rename gets a new file key even when size and time happen to match.
 *
 * @param size         bytes, or -1 for a missing file, -2 for an unreadable one
 * @param lastModified modification time, or {@code null} for a missing file
 * @param fileKey      the platform's file identity, or {@code null} where it has none
 */
record FileIdentity(long size, @Nullable FileTime lastModified, @Nullable Object fileKey) {

    static final FileIdentity MISSING = new FileIdentity(-1, null, null);

    /** Stands for a file whose attributes cannot be read (e.g. a directory without permission). */
    static final FileIdentity UNREADABLE = new FileIdentity(-2, null, null);

    /** The identity of the file at {@code path} (following symbolic links), or {@link #MISSING}. */
    static FileIdentity of(Path path) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new FileIdentity(attributes.size(), attributes.lastModifiedTime(), attributes.fileKey());
        } catch (NoSuchFileException e) {
            return MISSING;
        }
    }

    boolean isMissing() {
        return size == -1;
    }
}
