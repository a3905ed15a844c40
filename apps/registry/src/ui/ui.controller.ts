import { Controller, Get, NotFoundException, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { UI_INDEX, UiAsset, UiAssets } from './ui.assets';

/** Where the dashboard lives; `/` and `/ui` redirect here. */
export const UI_PATH = '/ui/';

/**
 * Self only: no inline script or style, no third-party origin, no framing. The page talks to the
 * registry's own API (`connect-src 'self'`).
 */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the dashboard's static files; no build step, no template: the page reads the API itself. */
@ApiExcludeController()
@Controller()
export class UiController {
  constructor(private readonly assets: UiAssets) {}

  @Get()
  root(@Res() reply: FastifyReply): void {
    void reply.redirect(UI_PATH, 302);
  }

  @Get('ui')
  withoutSlash(@Res() reply: FastifyReply): void {
    void reply.redirect(UI_PATH, 302);
  }

  /** `/ui/` is the page, `/ui/<file>` one of its files. (Nest drops a trailing slash, so `ui/` needs the wildcard.) */
  @Get('ui/*')
  file(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const name = assetName(request.url);
    this.send(name === undefined ? undefined : this.assets.get(name === '' ? UI_INDEX : name), request, reply);
  }

  private send(asset: UiAsset | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (asset === undefined) throw new NotFoundException('no such dashboard file');
    void reply
      .header('content-type', asset.contentType)
      .header('cache-control', 'no-cache')
      .header('etag', asset.etag)
      .header('content-security-policy', UI_CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    if (request.headers['if-none-match'] === asset.etag) {
      void reply.status(304).send();
      return;
    }
    void reply.status(200).send(asset.body);
  }
}

/** The file name after `/ui/` (query dropped), or undefined when it is not a plain name. */
function assetName(url: string): string | undefined {
  const path = url.split('?', 1)[0];
  if (!path.startsWith(UI_PATH)) return undefined;
  try {
    const name = decodeURIComponent(path.slice(UI_PATH.length));
    return /^[A-Za-z0-9._-]*$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}
