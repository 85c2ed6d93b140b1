package io.llmclient.application.governance;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link QuotaState#admitSeveral} answers: the admission of the request that asked and, when
 * every party had room to spare, {@code more} requests of the same parties admitted with it, for the
 * replica to hand out itself within {@code validFor} (they are counted already: in the rpm windows
 * and the in-flight counts). Those it does not hand out in time it gives back with
 * {@link QuotaState#giveBack}; {@code countedIn} is the store's mark of where they were counted.
 *
 * @param admission the asking request's admission
 * @param more      requests admitted beyond it, zero when refused or when there was no room
 * @param validFor  how long, from when the step was sent, the {@code more} requests may be handed out
 * @param countedIn where the store counted them (for its own use in {@link QuotaState#giveBack})
 */
public record Grant(Admission admission, int more, Duration validFor, long countedIn) {

    public Grant {
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(validFor, "validFor");
        if (more < 0 || more > 0 && !(admission instanceof Admission.Admitted)) {
            throw new IllegalArgumentException("a grant holds more requests only beside an admission, not " + more);
        }
    }

    /** One request's admission, nothing more. */
    public static Grant single(Admission admission) {
        return new Grant(admission, 0, Duration.ZERO, 0);
    }
}
