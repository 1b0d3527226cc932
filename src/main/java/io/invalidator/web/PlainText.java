package io.invalidator.web;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A one-line, human-readable text such as a title or a name: not blank (nor only invisible characters), no control
 * characters, well-formed Unicode. {@code null} is valid (add {@code @NotNull} where required).
 * <p>
 * Why not {@code @NotBlank}: PostgreSQL refuses NUL (a 500 after the fact), a lone surrogate is silently stored as
 * {@code ?}, and a title of only zero-width or no-break spaces passes {@code @NotBlank} yet shows as nothing.
 */
@Documented
@Constraint(validatedBy = PlainText.Validator.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
public @interface PlainText {

    String message() default "must be plain text";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<PlainText, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            String problem = problem(value);
            if (problem == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
            return false;
        }

        /** What is wrong with the text, or null when nothing is. */
        static String problem(String value) {
            boolean visible = false;
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (Character.isSurrogate(c)) {
                    if (!Character.isHighSurrogate(c) || i + 1 == value.length()
                            || !Character.isLowSurrogate(value.charAt(i + 1))) {
                        return "must be well-formed Unicode text";
                    }
                    i++;
                    visible = true;
                } else if (Character.isISOControl(c)) {
                    return "must not contain control characters";
                } else if (!Character.isWhitespace(c) && !Character.isSpaceChar(c)
                        && Character.getType(c) != Character.FORMAT) {
                    visible = true;
                }
            }
            return visible ? null : "must not be blank";
        }
    }
}
