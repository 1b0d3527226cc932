package io.invalidator.web;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidDefinitionException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.logging.Log;
import jakarta.persistence.OptimisticLockException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;
import jakarta.ws.rs.core.UriInfo;
import org.hibernate.StaleStateException;
import org.hibernate.exception.JDBCConnectionException;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.io.IOException;
import java.sql.SQLTransientConnectionException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every error leaves as problem+json: clear for client mistakes (never a 500, never a stack trace), opaque for ours.
 * <p>
 * Several mappers replace Quarkus defaults that answer differently: its Jackson mapper (an empty 400 in prod), JAX-RS'
 * 404 for a path or query parameter that is not a number, and the framework's wording for routing errors.
 */
public class ProblemMappers {

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        return Problem.invalid(e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(field(v), v.getMessage())).toList()).toResponse();
    }

    /** Valid JSON of the wrong shape: {@code {"status":"FOO"}}, {@code {"title":{}}}, {@code []}. */
    @ServerExceptionMapper({ JsonMappingException.class, MismatchedInputException.class })
    public Response mismatchedJson(JsonMappingException e) {
        if (e instanceof InvalidDefinitionException) {
            return unexpected(e); // our type cannot be read at all: not the client's fault
        }
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
        String message = switch (e) {
            case InvalidFormatException f when f.getTargetType() != null && f.getTargetType().isEnum() ->
                    "must be one of " + Arrays.toString(f.getTargetType().getEnumConstants());
            case UnrecognizedPropertyException u -> "is not a known field";
            case MismatchedInputException m when isWholeNumber(m.getTargetType()) -> "must be a whole number";
            default -> "has the wrong type or shape";
        };
        if (field.isEmpty()) {
            return Problem.of(Status.BAD_REQUEST, "The JSON body does not have the expected shape").toResponse();
        }
        return Problem.invalid(List.of(new Problem.FieldError(field, message))).toResponse();
    }

    /** Not JSON at all, or beyond the parser's limits. */
    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping) {
            return mismatchedJson(mapping);
        }
        String detail = switch (e) {
            case StreamConstraintsException c -> "The JSON body exceeds a parser limit (nesting, number, text)";
            case InputCoercionException c -> "A number in the JSON body is out of range" + at(c.getLocation());
            case StreamReadException r when String.valueOf(r.getOriginalMessage()).startsWith("Duplicate field") ->
                    "A field appears twice in the JSON body" + at(r.getLocation());
            case StreamReadException r -> "Malformed JSON" + at(r.getLocation());
            default -> "The JSON body could not be read";
        };
        return Problem.of(Status.BAD_REQUEST, detail).toResponse();
    }

    @ServerExceptionMapper
    public Response conflict(OptimisticLockException e) {
        return conflict();
    }

    @ServerExceptionMapper({ JDBCConnectionException.class, SQLTransientConnectionException.class })
    public Response databaseUnavailable(Exception e) {
        Log.warnf("database unavailable: %s", e.toString());
        return Response.fromResponse(Problem.of(Status.SERVICE_UNAVAILABLE, "The database is unavailable; retry later")
                .toResponse()).header(HttpHeaders.RETRY_AFTER, "2").build();
    }

    /** JAX-RS answers 404 when a path or query parameter cannot be converted ({@code /api/todos/abc}): it is a 400. */
    @ServerExceptionMapper
    public Response notFound(NotFoundException e, ResourceInfo resource, UriInfo uri) {
        if (e.getCause() == null || resource.getResourceMethod() == null) {
            return http(e); // an unknown route or a missing entity
        }
        List<Problem.FieldError> errors = ParameterErrors.of(resource.getResourceMethod(), uri);
        if (errors.isEmpty()) {
            return Problem.of(Status.BAD_REQUEST, "A path or query parameter has an invalid value").toResponse();
        }
        return Problem.invalid(errors).toResponse();
    }

    @ServerExceptionMapper
    public Response http(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadableJson(json); // the JSON reader wraps what Jackson could not read in a bare 400
        }
        Response original = e.getResponse();
        Response.StatusType status = original.getStatusInfo();
        Response.ResponseBuilder builder = Response.fromResponse(Problem.of(status, detail(e, status)).toResponse());
        for (String header : List.of(HttpHeaders.RETRY_AFTER, HttpHeaders.ALLOW)) {
            if (original.getHeaderString(header) != null) {
                builder.header(header, original.getHeaderString(header));
            }
        }
        return builder.build();
    }

    @ServerExceptionMapper(priority = Integer.MAX_VALUE)
    public Response unexpected(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            // a concurrent writer won between our read and our commit (version check in the UPDATE)
            if (cause instanceof OptimisticLockException || cause instanceof StaleStateException) {
                return conflict();
            }
        }
        Throwable cause = rootCause(e);
        if (cause instanceof IOException && "Request too large".equals(cause.getMessage())) {
            // a chunked body went past quarkus.http.limits.max-body-size: Quarkus has already answered 413
            Log.debugf("request body over the limit: %s", cause);
            return Problem.of(Status.REQUEST_ENTITY_TOO_LARGE, defaultDetail(413)).toResponse();
        }
        if (cause instanceof SQLTransientConnectionException || cause instanceof JDBCConnectionException
                || cause instanceof java.net.ConnectException) {
            return databaseUnavailable((Exception) cause);
        }
        Log.error("unexpected error", e);
        return Problem.of(Status.INTERNAL_SERVER_ERROR, "Unexpected error; it was logged").toResponse();
    }

    private static Response conflict() {
        return Problem.of(Status.CONFLICT, "The resource was changed by someone else; refetch and retry").toResponse();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof JDBCConnectionException) {
                return cause;
            }
            cause = cause.getCause();
        }
        return cause;
    }

    /** Our own messages ("Todo 7 not found") are kept; the framework's (which name JAX-RS annotations) are not. */
    private static String detail(WebApplicationException e, Response.StatusType status) {
        String message = e.getMessage();
        boolean framework = message == null || message.startsWith("HTTP " + status.getStatusCode())
                || message.startsWith("Unable to find matching")
                || status.getStatusCode() == 405 || status.getStatusCode() == 406 || status.getStatusCode() == 415;
        return framework ? defaultDetail(status.getStatusCode()) : message;
    }

    private static String defaultDetail(int status) {
        return switch (status) {
            case 404 -> "No such resource";
            case 405 -> "Method not allowed on this resource";
            case 406 -> "Cannot produce the requested media type; accept application/json";
            case 413 -> "The request body is too large";
            case 415 -> "Unsupported media type; send application/json";
            case 503 -> "Temporarily unavailable; retry later";
            default -> "The request could not be processed";
        };
    }

    private static boolean isWholeNumber(Class<?> type) {
        return type == Long.class || type == long.class || type == Integer.class || type == int.class;
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    private static String field(ConstraintViolation<?> violation) {
        // "create.body.title" -> "title"; "list.status" -> "status"; "create.body" (no body) -> "body"
        String path = violation.getPropertyPath().toString();
        String[] parts = path.split("\\.");
        return parts.length > 2 ? String.join(".", Arrays.copyOfRange(parts, 2, parts.length))
                : parts[parts.length - 1];
    }
}
