package org.tessera.wcs;

/** A header holds no usable celestial WCS; the message says which keyword is missing or wrong. */
public class WcsException extends Exception {
    private static final long serialVersionUID = 1L;

    public WcsException(String message) {
        super(message);
    }
}
