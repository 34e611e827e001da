package org.tessera.image;

/**
 * Marks a {@link RowSource} whose rows never change (a frame on disk): a view that read some rows
 * may keep them and give them again instead of reading them a second time.
 */
public interface StableRows {
}
