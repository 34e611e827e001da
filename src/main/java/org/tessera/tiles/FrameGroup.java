package org.tessera.tiles;

import java.util.List;

import org.tessera.io.Frame;
import org.tessera.io.MountMode;

/**
 * The frames of one master tile, in input order, with the group's mount mode as
 * {@link MountInference#ofGroup} reads it from the frames' own keys — so a group split or
 * resubmitted later keeps its mode, because its frames keep their keys.
 */
public record FrameGroup(int id, List<Frame> frames, MountMode mount) {

    public FrameGroup {
        if (frames.isEmpty()) throw new IllegalArgumentException("group " + id + " has no frames");
        frames = List.copyOf(frames);
    }

    /** A group whose mount mode is inferred from its frames. */
    public static FrameGroup of(int id, List<? extends Frame> frames) {
        return new FrameGroup(id, List.copyOf(frames), MountInference.ofGroup(frames));
    }

    public int size() { return frames.size(); }
}
