# syntax=docker/dockerfile:1

# Build a static binary.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/deploy-request-gate ./cmd/deploy-request-gate

# Run it from distroless/static: CA certificates and tzdata, no shell, and
# root by default. No USER line: a container action must run as root to write
# the runner's file commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY).
FROM gcr.io/distroless/static-debian12
COPY --from=build /out/deploy-request-gate /deploy-request-gate
ENTRYPOINT ["/deploy-request-gate"]
