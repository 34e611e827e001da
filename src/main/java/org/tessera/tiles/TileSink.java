package org.tessera.tiles;

import java.io.IOException;

/**
 * Receives each master tile as soon as it is finished, from the worker thread that made it
 * (implementations must be thread-safe). Writing the file here and dropping the tile keeps
 * Phase 3's memory at one tile per worker. An exception marks that tile as failed.
 */
@FunctionalInterface
public interface TileSink {
    void accept(MasterTile tile) throws IOException;
}
