package io.ephpm.servlet;

/** A configuration value that cannot work; the message names the parameter. */
public final class InvalidSettingException extends IllegalArgumentException {
    public InvalidSettingException(String parameter, String problem) {
        super("ePHPm setting '" + parameter + "' " + problem);
    }
}
