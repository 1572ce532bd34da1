# The image of the deploy-request-gate container action.
#
# On main, action.yml says `image: 'Dockerfile'`, so the runner builds this file
# on every job that uses the action from a branch or a commit of main. Release
# commits point action.yml at the prebuilt multi-arch image on GHCR instead
# (see RELEASING.md), which is this same file built by .github/workflows/release.yml.
#
# Base images are pinned by digest (Dependabot's docker updates move them).

# Build stage: golang:1.26.8-bookworm (multi-arch index digest). It runs on the
# build machine's own platform and cross-compiles for the target, so a
# linux/arm64 image needs no emulated compiler.
FROM --platform=$BUILDPLATFORM golang:1.26.8-bookworm@sha256:dc9ad6c05acc7a88e5b71bde60a5fe3bd4b9f0db209011711b464107438a8107 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# BUILDPLATFORM, TARGETOS and TARGETARCH come from BuildKit, the builder of
# `docker build` since Docker 23 and of every GitHub-hosted runner.
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
ARG COMMIT=
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath \
      -ldflags "-s -w -X github.com/deploy-request-gate/deploy-request-gate/buildinfo.version=${VERSION} -X github.com/deploy-request-gate/deploy-request-gate/buildinfo.commit=${COMMIT}" \
      -o /out/deploy-request-gate ./cmd/deploy-request-gate

# Final stage: gcr.io/distroless/static-debian12 (tag latest, multi-arch index
# digest): CA certificates, tzdata and /etc/passwd, no shell, nothing else.
FROM gcr.io/distroless/static-debian12@sha256:d75cdd72874d4790092fcb1b058493ecf6bb5bf2b2b897045b00ff01d91843f2
ARG VERSION=dev
ARG SOURCE=https://github.com/deploy-request-gate/deploy-request-gate
LABEL org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.title="deploy-request-gate" \
      org.opencontainers.image.description="Keeps a pull request check red while a PlanetScale database has open deploy requests that are not approved."
COPY --from=build /src/LICENSE /LICENSE
COPY --from=build /out/deploy-request-gate /deploy-request-gate
# No USER line, on purpose: GitHub runs a container action as the image's user
# and it must be root to write the runner's file commands (GITHUB_OUTPUT,
# GITHUB_STEP_SUMMARY) and the workspace, which belong to the runner's user.
# distroless/static runs as root by default (its :nonroot tag would break this).
ENTRYPOINT ["/deploy-request-gate"]
