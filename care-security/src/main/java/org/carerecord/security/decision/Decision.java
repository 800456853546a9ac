package org.carerecord.security.decision;

public enum Decision {
    PERMIT,
    DENY
}
