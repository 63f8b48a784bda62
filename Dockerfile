# podpulse container image. Build: docker build -t podpulse:dev .
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build --if-present && npm prune --omit=dev

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
USER 10001
EXPOSE 8080
ENTRYPOINT ["/app/bin/podpulse"]
CMD ["serve", "--listen", "0.0.0.0:8080"]
