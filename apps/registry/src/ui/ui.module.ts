import { Module } from '@nestjs/common';
import { resolveUiAssetDir, UiAssets } from './ui.assets';
import { UiController } from './ui.controller';

/**
 * The registry's web dashboard at `/ui/` (and `/` → `/ui/`): static files read once at start, which
 * read the registry's own API (`/watch`, `/health`) from the browser.
 * @example @Module({ imports: [RegistryModule.forRoot(config), UiModule] })
 */
@Module({
  controllers: [UiController],
  providers: [{ provide: UiAssets, useFactory: () => UiAssets.load(resolveUiAssetDir()) }],
})
export class UiModule {}
