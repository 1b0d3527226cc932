package io.invalidator.web;

import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Finds which path or query parameters of a resource method could not be converted to their type. JAX-RS reports
 * such a failure as a 404 without saying which parameter it was; this names it, so the client gets a useful 400.
 */
final class ParameterErrors {

    private static final Map<Class<?>, Predicate<String>> WHOLE_NUMBERS = Map.of(
            long.class, ParameterErrors::isLong, Long.class, ParameterErrors::isLong,
            int.class, ParameterErrors::isInt, Integer.class, ParameterErrors::isInt);

    private ParameterErrors() {
    }

    /** The unconvertible parameters of {@code method} in this request; empty if none could be identified. */
    static List<Problem.FieldError> of(Method method, UriInfo uri) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (Parameter parameter : method.getParameters()) {
            Predicate<String> valid = WHOLE_NUMBERS.get(parameter.getType());
            String name = pathName(parameter);
            MultivaluedMap<String, String> values = uri.getPathParameters();
            if (name == null) {
                name = queryName(parameter);
                values = uri.getQueryParameters();
            }
            if (valid == null || name == null) {
                continue;
            }
            String value = values.getFirst(name);
            // an empty query value is converted to null (no filter), not rejected
            if (value != null && !value.isEmpty() && !valid.test(value)) {
                errors.add(new Problem.FieldError(name, "must be a whole number"));
            }
        }
        return errors;
    }

    private static String pathName(Parameter parameter) {
        RestPath rest = parameter.getAnnotation(RestPath.class);
        PathParam standard = parameter.getAnnotation(PathParam.class);
        return rest != null ? nameOr(rest.value(), parameter) : standard != null ? standard.value() : null;
    }

    private static String queryName(Parameter parameter) {
        RestQuery rest = parameter.getAnnotation(RestQuery.class);
        QueryParam standard = parameter.getAnnotation(QueryParam.class);
        return rest != null ? nameOr(rest.value(), parameter) : standard != null ? standard.value() : null;
    }

    private static String nameOr(String declared, Parameter parameter) {
        return declared.isEmpty() ? parameter.getName() : declared;
    }

    private static boolean isLong(String value) {
        try {
            Long.parseLong(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isInt(String value) {
        try {
            Integer.parseInt(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
