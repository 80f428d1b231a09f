package dev.chatstream.testkit;

/** A server binary the tests need is neither on PATH nor runnable in Docker; the message says what to install. */
public final class MissingBinaryException extends IllegalStateException {
    MissingBinaryException(String binary, String debianPackage, String brewPackage) {
        super(binary + " is not on PATH and no Docker engine is available: install it "
                + "(Debian/Ubuntu: sudo apt-get install -y " + debianPackage + "; macOS: brew install " + brewPackage + ")");
    }
}
